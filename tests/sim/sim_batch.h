/* SPDX-License-Identifier: MIT */
/* The simulated command streamer: see sim_batch.c. */
#ifndef XE_SIM_BATCH_H
#define XE_SIM_BATCH_H

#include <stdbool.h>
#include <stdint.h>

struct sim_vm;

enum sim_batch_result {
	SIM_BATCH_DONE,		/* every batch reached MI_BATCH_BUFFER_END */
	SIM_BATCH_BLOCKED,	/* a MI_SEMAPHORE_WAIT is not yet satisfied */
	SIM_BATCH_FAULT,	/* an access hit no mapping (CAT error) */
	SIM_BATCH_YIELD,	/* its share of commands ran; more to come */
};

#define SIM_BATCH_MAX_DEPTH	3	/* ring + 2 levels of batch, as hw */
#define SIM_BATCH_NUM_GPRS	16	/* CS_GPR(0..15), 64 bits each */

struct sim_batch_state {
	const uint64_t *batches;
	uint32_t num_batches, cur;
	uint64_t ip;
	uint64_t stack[SIM_BATCH_MAX_DEPTH];
	uint32_t depth;
	uint64_t executed;
	uint64_t fault_addr;
	uint8_t fault_access;	/* FAULT_ACCESS_TYPE_* of the faulting access */
	bool done;
	/* the job's registers; the context's are not kept across jobs */
	uint64_t gpr[SIM_BATCH_NUM_GPRS];
	uint64_t alu_src[2], alu_accu, alu_zf, alu_cf;
};

void sim_batch_init(struct sim_batch_state *s, const uint64_t *batches,
		    uint32_t num);
enum sim_batch_result sim_batch_run(struct sim_batch_state *s,
				    struct sim_vm *vm);

#endif
