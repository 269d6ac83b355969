// SPDX-License-Identifier: MIT
/*
 * The simulated command streamer. Encodings follow the kernel's
 * drivers/gpu/drm/xe/instructions/xe_mi_commands.h and xe_gpu_commands.h
 * (MI opcode in bits 28:23, GFXPIPE PIPE_CONTROL, length fields) and the
 * public PRMs for MI_ATOMIC, MI_MATH and MI_CONDITIONAL_BATCH_BUFFER_END,
 * the GPRs MI_LOAD_REGISTER_{IMM,REG,MEM} and MI_STORE_REGISTER_MEM move, plus the
 * copy engine's XY_FAST_COPY_BLT, MEM_COPY and MEM_SET. Commands it
 * does not model are skipped by their length; addresses go through the VM's
 * mappings, so a stray access faults as on hardware.
 */
#include <string.h>
#include <time.h>

#include "sim.h"
#include "sim_batch.h"

#define CMD_TYPE(h)	((h) >> 29)
#define MI_OPCODE(h)	(((h) >> 23) & 0x3f)

#define MI_NOOP_OP		0x00
#define MI_BATCH_BUFFER_END_OP	0x0a
#define MI_SEMAPHORE_WAIT_OP	0x1c
#define MI_STORE_DATA_IMM_OP	0x20
#define MI_MATH_OP		0x1a
#define MI_LOAD_REG_IMM_OP	0x22
#define MI_STORE_REG_MEM_OP	0x24
#define MI_LOAD_REG_MEM_OP	0x29
#define MI_LOAD_REG_REG_OP	0x2a
#define MI_FLUSH_DW_OP		0x26
#define MI_COPY_MEM_MEM_OP	0x2e
#define MI_ATOMIC_OP		0x2f
#define MI_BATCH_BUFFER_START_OP 0x31
#define MI_COND_BB_END_OP	0x36

#define BBS_SECOND_LEVEL	(1u << 22)
#define SEMW_POLL		(1u << 15)
#define ATOMIC_INLINE_DATA	(1u << 18)
#define FLUSH_DW_OP_STOREDW	(1u << 14)
#define COND_DO_COMPARE		(1u << 21)

/* PIPE_CONTROL: type 3, pipeline 3, opcode 2, subopcode 0 */
#define PIPE_CONTROL_MASK	0xffff0000u
#define PIPE_CONTROL_HDR	0x7a000000u
#define PC_POST_SYNC(dw1)	(((dw1) >> 14) & 3)

/*
 * Commands per turn of a queue. The worker runs every busy queue in turn
 * under sim.lock, so this bounds how long ioctls wait behind spinners.
 */
#define MAX_COMMANDS_PER_RUN	4096

static uint64_t va_mask(uint64_t va)
{
	/* strip the canonical sign extension of 48-bit (or 57-bit) VAs */
	return va & ((1ull << sim.dev->va_bits) - 1);
}

void sim_batch_init(struct sim_batch_state *s, const uint64_t *batches,
		    uint32_t num)
{
	memset(s, 0, sizeof(*s));
	s->batches = batches;
	s->num_batches = num;
	s->ip = num ? va_mask(batches[0]) : 0;
	s->done = !num;
}

static uint64_t addr64(uint32_t lo, uint32_t hi)
{
	return va_mask(((uint64_t)hi << 32) | lo);
}

static bool gpu_read(struct sim_batch_state *s, struct sim_vm *vm, uint64_t va,
		     void *dst, uint64_t len)
{
	if (sim_vm_access(vm, va, dst, len, false, &s->fault_addr))
		return true;
	s->fault_access = FAULT_ACCESS_TYPE_READ;
	return false;
}

static bool gpu_write(struct sim_batch_state *s, struct sim_vm *vm, uint64_t va,
		      const void *src, uint64_t len)
{
	if (sim_vm_access(vm, va, (void *)src, len, true, &s->fault_addr))
		return true;
	s->fault_access = FAULT_ACCESS_TYPE_WRITE;
	return false;
}

/* A copy engine's copy of @len bytes, walking both sides' mappings. */
static bool gpu_copy(struct sim_batch_state *s, struct sim_vm *vm, uint64_t dst,
		     uint64_t src, uint64_t len)
{
	while (len) {
		uint64_t srun, drun;
		void *sp = sim_vm_translate_run(vm, src, len, false, &srun);
		void *dp = sp ? sim_vm_translate_run(vm, dst, srun, true, &drun) : NULL;

		if (!dp) {
			s->fault_addr = sp ? dst : src;
			s->fault_access = sp ? FAULT_ACCESS_TYPE_WRITE :
					       FAULT_ACCESS_TYPE_READ;
			return false;
		}
		memmove(dp, sp, drun);
		src += drun;
		dst += drun;
		len -= drun;
	}
	return true;
}

static bool gpu_fill(struct sim_batch_state *s, struct sim_vm *vm, uint64_t dst,
		     uint8_t value, uint64_t len)
{
	while (len) {
		uint64_t run;
		void *dp = sim_vm_translate_run(vm, dst, len, true, &run);

		if (!dp) {
			s->fault_addr = dst;
			s->fault_access = FAULT_ACCESS_TYPE_WRITE;
			return false;
		}
		memset(dp, value, run);
		dst += run;
		len -= run;
	}
	return true;
}

/* MI_SEMAPHORE_WAIT compare: semaphore address data (SAD) vs inline (SDD). */
static bool sem_compare(uint32_t sad, uint32_t sdd, uint32_t op)
{
	switch (op) {
	case 0: return sad > sdd;
	case 1: return sad >= sdd;
	case 2: return sad < sdd;
	case 3: return sad <= sdd;
	case 4: return sad == sdd;
	case 5: return sad != sdd;
	}
	return false;
}

static uint64_t atomic_apply(uint32_t op, uint64_t mem, uint64_t src1,
			     uint64_t src2, uint64_t width_mask)
{
	switch (op & 0x1f) {
	case 0x01: return mem & src1;
	case 0x02: return mem | src1;
	case 0x03: return mem ^ src1;
	case 0x04: return src1;
	case 0x05: return mem + 1;
	case 0x06: return mem - 1;
	case 0x07: return mem + src1;
	case 0x08: return mem - src1;
	case 0x09: return src1 - mem;
	case 0x0a: return (int64_t)mem > (int64_t)src1 ? mem : src1;
	case 0x0b: return (int64_t)mem < (int64_t)src1 ? mem : src1;
	case 0x0c: return (mem & width_mask) > (src1 & width_mask) ? mem : src1;
	case 0x0d: return (mem & width_mask) < (src1 & width_mask) ? mem : src1;
	case 0x0e: return (mem & width_mask) == (src1 & width_mask) ? src2 : mem;
	case 0x0f: return mem - 1;
	}
	return mem;
}

/* The command streamer's general purpose registers, CS_GPR(n) */
#define CS_GPR_BASE	0x600
#define CS_GPR_END	(CS_GPR_BASE + 8 * SIM_BATCH_NUM_GPRS)

/*
 * Register reads (MI_STORE_REGISTER_MEM, MI_LOAD_REGISTER_REG): the GPRs,
 * the timestamps, else zero. Offsets are taken relative to the engine's
 * MMIO base (the CS_MMIO form every user batch uses).
 */
static uint32_t read_register(struct sim_batch_state *s, uint32_t reg)
{
	uint64_t ts = sim_gpu_timestamp();

	reg &= 0xfff;
	if (reg >= CS_GPR_BASE && reg < CS_GPR_END)
		return (uint32_t)(s->gpr[(reg - CS_GPR_BASE) / 8] >> (reg & 4 ? 32 : 0));
	switch (reg) {
	case 0x358:		/* RING_TIMESTAMP */
	case 0x3a8:		/* RING_CTX_TIMESTAMP */
		return (uint32_t)ts;
	case 0x35c:		/* RING_TIMESTAMP_UDW */
		return (uint32_t)(ts >> 32);
	}
	return 0;
}

/* Register writes: the GPRs keep them, other registers are not modelled. */
static void write_register(struct sim_batch_state *s, uint32_t reg, uint32_t v)
{
	uint64_t *g;

	reg &= 0xfff;
	if (reg < CS_GPR_BASE || reg >= CS_GPR_END)
		return;
	g = &s->gpr[(reg - CS_GPR_BASE) / 8];
	if (reg & 4)
		*g = (*g & 0xffffffffull) | (uint64_t)v << 32;
	else
		*g = (*g & ~0xffffffffull) | v;
}

/*
 * MI_MATH's ALU (the encoding IGT's and Mesa's MI_MATH builders emit):
 * opcode in bits 31:20, operands in 19:10 and 9:0; operands 0-15 are the
 * GPRs, 0x20/0x21 SRCA/SRCB, 0x31 ACCU, 0x32 ZF, 0x33 CF.
 */
static uint64_t *alu_reg(struct sim_batch_state *s, uint32_t r)
{
	if (r < SIM_BATCH_NUM_GPRS)
		return &s->gpr[r];
	switch (r) {
	case 0x20: return &s->alu_src[0];
	case 0x21: return &s->alu_src[1];
	case 0x31: return &s->alu_accu;
	case 0x32: return &s->alu_zf;
	case 0x33: return &s->alu_cf;
	}
	return NULL;
}

static bool alu_step(struct sim_batch_state *s, uint32_t insn)
{
	uint32_t op = insn >> 20;
	uint64_t *a = alu_reg(s, (insn >> 10) & 0x3ff), *b = alu_reg(s, insn & 0x3ff);
	uint64_t x = s->alu_src[0], y = s->alu_src[1];

	switch (op) {
	case 0x000:		/* NOOP */
		return true;
	case 0x080:		/* LOAD */
	case 0x480:		/* LOADINV */
		if (!a || !b)
			return false;
		*a = op == 0x480 ? ~*b : *b;
		return true;
	case 0x081:		/* LOAD0 */
	case 0x481:		/* LOAD1 */
		if (!a)
			return false;
		*a = op == 0x481 ? ~0ull : 0;
		return true;
	case 0x180:		/* STORE */
	case 0x580:		/* STOREINV */
		if (!a || !b)
			return false;
		*a = op == 0x580 ? ~*b : *b;
		return true;
	case 0x100:		/* ADD */
		s->alu_accu = x + y;
		s->alu_cf = s->alu_accu < x;
		break;
	case 0x101:		/* SUB */
		s->alu_accu = x - y;
		s->alu_cf = x < y;
		break;
	case 0x102:		/* AND */
		s->alu_accu = x & y;
		break;
	case 0x103:		/* OR */
		s->alu_accu = x | y;
		break;
	case 0x104:		/* XOR */
		s->alu_accu = x ^ y;
		break;
	default:
		return false;
	}
	s->alu_zf = !s->alu_accu;
	return true;
}

/* XY_FAST_COPY_BLT color depth (DW1 26:24) -> bytes per pixel */
static const uint8_t fast_copy_cpp[8] = { 1, 2, 0, 4, 8, 16, 0, 0 };

/*
 * XY_FAST_COPY_BLT (0x42, xe_gpu_commands.h; field layout as IGT's
 * lib/intel_blt.c emits it): DW0 dst tiling 14:13, src tiling 21:20; DW1
 * dst pitch 15:0 and color depth 26:24; DW2/DW3 dst x1,y1 / x2,y2; DW4-5
 * dst address; DW6 src x1,y1; DW7 src pitch; DW8-9 src address. Pitches
 * are bytes for linear surfaces and dwords for tiled ones. The simulator
 * stores tiled surfaces row-linear (the tile order is not modelled), so a
 * copy into a tiled surface and back returns the same pixels, but the CPU
 * does not see the hardware's tile layout.
 */
static enum sim_batch_result fast_copy(struct sim_batch_state *s,
				       struct sim_vm *vm, const uint32_t *dw,
				       uint32_t len)
{
	uint32_t cpp = fast_copy_cpp[(dw[1] >> 24) & 7];
	uint64_t dpitch = dw[1] & 0xffff, spitch = dw[7] & 0xffff;
	int32_t dx1 = (int16_t)dw[2], dy1 = (int16_t)(dw[2] >> 16);
	int32_t dx2 = (int16_t)dw[3], dy2 = (int16_t)(dw[3] >> 16);
	int32_t sx1 = (int16_t)dw[6], sy1 = (int16_t)(dw[6] >> 16);
	uint64_t dst, src, width;

	if (len < 10 || !cpp)
		return SIM_BATCH_FAULT;
	if ((dw[0] >> 13) & 3)
		dpitch *= 4;
	if ((dw[0] >> 20) & 3)
		spitch *= 4;
	if (dx2 <= dx1 || dy2 <= dy1 || sx1 < 0 || sy1 < 0 || dx1 < 0 || dy1 < 0)
		return SIM_BATCH_DONE;	/* an empty rectangle copies nothing */
	dst = addr64(dw[4], dw[5]);
	src = addr64(dw[8], dw[9]);
	width = (uint64_t)(dx2 - dx1) * cpp;
	for (int32_t r = 0; r < dy2 - dy1; r++)
		if (!gpu_copy(s, vm, dst + (uint64_t)(dy1 + r) * dpitch + (uint64_t)dx1 * cpp,
			      src + (uint64_t)(sy1 + r) * spitch + (uint64_t)sx1 * cpp, width))
			return SIM_BATCH_FAULT;
	return SIM_BATCH_DONE;
}

/*
 * Xe2 copy-engine MEM_COPY (0x5a) and MEM_SET (0x5b), linear or matrix
 * (xe_gpu_commands.h): dw1 width - 1 (bytes, or pages in page-copy mode),
 * dw2 height - 1, then pitches - 1, then addresses.
 */
static enum sim_batch_result blt(struct sim_batch_state *s, struct sim_vm *vm,
				 uint32_t hdr, const uint32_t *dw, uint32_t len)
{
	uint32_t op = (hdr >> 22) & 0x7f;
	bool matrix = hdr & (1u << 17);
	uint64_t width, rows, spitch, dpitch, src, dst;

	sim_debug("blt %#x len %u dw1 %#x dw2 %#x dw3 %#x", op, len, dw[1],
		  len > 2 ? dw[2] : 0, len > 3 ? dw[3] : 0);
	if (op == 0x42)
		return fast_copy(s, vm, dw, len);
	if (op == 0x5a && len >= 10) {
		width = (uint64_t)(dw[1] & 0x3ffff) + 1;
		if (hdr & (1u << 19))
			width *= SIM_PAGE_SIZE;
		rows = matrix ? (uint64_t)(dw[2] & 0x3ffff) + 1 : 1;
		spitch = (uint64_t)(dw[3] & 0x3ffff) + 1;
		dpitch = (uint64_t)(dw[4] & 0x3ffff) + 1;
		src = addr64(dw[5], dw[6]);
		dst = addr64(dw[7], dw[8]);
		for (uint64_t r = 0; r < rows; r++)
			if (!gpu_copy(s, vm, dst + r * dpitch, src + r * spitch, width))
				return SIM_BATCH_FAULT;
	} else if (op == 0x5b && len >= 7) {
		/*
		 * MEM_SET's width and pitch are wider than MEM_COPY's 18 bits:
		 * IGT's xe_copy_basic mem-set-linear-0x8fffe fills 0x8fffe
		 * bytes with one command where it splits MEM_COPY.
		 */
		width = (uint64_t)(dw[1] & 0xffffff) + 1;
		rows = matrix ? (uint64_t)(dw[2] & 0x3ffff) + 1 : 1;
		dpitch = (uint64_t)(dw[3] & 0xffffff) + 1;
		dst = addr64(dw[4], dw[5]);
		for (uint64_t r = 0; r < rows; r++)
			if (!gpu_fill(s, vm, dst + r * dpitch, dw[6] >> 24, width))
				return SIM_BATCH_FAULT;
	}
	return SIM_BATCH_DONE;
}

/* Execute one command at s->ip. */
static enum sim_batch_result step(struct sim_batch_state *s, struct sim_vm *vm)
{
	uint32_t dw[256];
	uint32_t hdr, len;

	if (!gpu_read(s, vm, s->ip, &hdr, 4))
		return SIM_BATCH_FAULT;
	switch (CMD_TYPE(hdr)) {
	case 0:		/* MI */
		if (MI_OPCODE(hdr) < 0x10)
			len = 1;
		else if (MI_OPCODE(hdr) == MI_STORE_DATA_IMM_OP)
			len = (hdr & 0x3ff) + 2;
		else if (MI_OPCODE(hdr) == MI_FLUSH_DW_OP)
			len = (hdr & 0x3f) + 2;
		else
			len = (hdr & 0xff) + 2;
		break;
	case 2:		/* BLT */
	case 3:		/* GFXPIPE */
		len = (hdr & 0xff) + 2;
		break;
	default:
		len = 1;
		break;
	}
	if (len > SIM_ARRAY_SIZE(dw) || !gpu_read(s, vm, s->ip, dw, len * 4))
		return SIM_BATCH_FAULT;

	if (CMD_TYPE(hdr) == 3 && (hdr & PIPE_CONTROL_MASK) == PIPE_CONTROL_HDR) {
		if (len >= 6) {
			uint64_t addr = addr64(dw[2] & ~7u, dw[3]);
			uint64_t v = 0;

			switch (PC_POST_SYNC(dw[1])) {
			case 1:	/* write immediate */
				v = dw[4] | (uint64_t)dw[5] << 32;
				break;
			case 3:	/* write timestamp */
				v = sim_gpu_timestamp();
				break;
			}
			if (PC_POST_SYNC(dw[1]) && !gpu_write(s, vm, addr, &v, 8))
				return SIM_BATCH_FAULT;
		}
		s->ip += len * 4;
		return SIM_BATCH_DONE;
	}
	if (CMD_TYPE(hdr) == 2) {
		enum sim_batch_result r = blt(s, vm, hdr, dw, len);

		if (r == SIM_BATCH_DONE)
			s->ip += len * 4;
		return r;
	}
	if (CMD_TYPE(hdr) != 0) {
		s->ip += len * 4;
		return SIM_BATCH_DONE;
	}

	switch (MI_OPCODE(hdr)) {
	case MI_BATCH_BUFFER_END_OP:
		if (s->depth) {
			s->ip = s->stack[--s->depth];
			return SIM_BATCH_DONE;
		}
		if (++s->cur < s->num_batches)
			s->ip = va_mask(s->batches[s->cur]);
		else
			s->done = true;
		return SIM_BATCH_DONE;
	case MI_BATCH_BUFFER_START_OP:
		if (len < 3)
			return SIM_BATCH_FAULT;
		if (hdr & BBS_SECOND_LEVEL) {
			if (s->depth == SIM_BATCH_MAX_DEPTH - 1)
				return SIM_BATCH_FAULT;
			s->stack[s->depth++] = s->ip + len * 4;
		}
		s->ip = addr64(dw[1] & ~3u, dw[2]);
		return SIM_BATCH_DONE;
	case MI_STORE_DATA_IMM_OP:
		if (len < 4)
			return SIM_BATCH_FAULT;
		if (!gpu_write(s, vm, addr64(dw[1] & ~3u, dw[2]), &dw[3], (len - 3) * 4))
			return SIM_BATCH_FAULT;
		break;
	case MI_FLUSH_DW_OP:
		if (hdr & FLUSH_DW_OP_STOREDW && len >= 4 &&
		    !gpu_write(s, vm, addr64(dw[1] & ~7u, dw[2]), &dw[3], (len - 3) * 4))
			return SIM_BATCH_FAULT;
		break;
	case MI_COPY_MEM_MEM_OP: {
		uint32_t v;

		/* header, destination address, source address: one dword */
		if (len < 5)
			return SIM_BATCH_FAULT;
		if (!gpu_read(s, vm, addr64(dw[3] & ~3u, dw[4]), &v, 4) ||
		    !gpu_write(s, vm, addr64(dw[1] & ~3u, dw[2]), &v, 4))
			return SIM_BATCH_FAULT;
		break;
	}
	case MI_ATOMIC_OP: {
		uint32_t op = (hdr >> 8) & 0xff;
		uint64_t addr = addr64(dw[1] & ~3u, dw[2]);
		unsigned int size = op < 0x20 ? 4 : op < 0x40 ? 8 : 16;
		uint64_t mem = 0, src1 = 0, src2 = 0;
		uint64_t wmask = size == 4 ? 0xffffffffull : ~0ull;
		bool ok;

		if (len < 3 || size == 16)
			break;	/* 16-byte atomics are not modelled */
		if (hdr & ATOMIC_INLINE_DATA && len >= 7) {
			src1 = dw[3] | (size == 8 ? (uint64_t)dw[4] << 32 : 0);
			src2 = dw[5] | (size == 8 ? (uint64_t)dw[6] << 32 : 0);
		}
		ok = gpu_read(s, vm, addr, &mem, size);
		if (ok) {
			mem = atomic_apply(op, mem, src1, src2, wmask) & wmask;
			ok = gpu_write(s, vm, addr, &mem, size);
		}
		if (!ok) {
			s->fault_access = FAULT_ACCESS_TYPE_ATOMIC;
			return SIM_BATCH_FAULT;
		}
		break;
	}
	case MI_SEMAPHORE_WAIT_OP: {
		uint32_t sad;

		if (len < 4)
			return SIM_BATCH_FAULT;
		if (!gpu_read(s, vm, addr64(dw[2] & ~3u, dw[3]), &sad, 4))
			return SIM_BATCH_FAULT;
		/* signal mode waits for a wake-up; polling re-reads: same here */
		if (!sem_compare(sad, dw[1], (hdr >> 12) & 7))
			return SIM_BATCH_BLOCKED;
		break;
	}
	case MI_LOAD_REG_IMM_OP:
		for (uint32_t i = 1; i + 1 < len; i += 2)
			write_register(s, dw[i], dw[i + 1]);
		break;
	case MI_LOAD_REG_REG_OP:
		if (len < 3)
			return SIM_BATCH_FAULT;
		write_register(s, dw[2], read_register(s, dw[1]));
		break;
	case MI_LOAD_REG_MEM_OP: {
		uint32_t v;

		if (len < 4)
			return SIM_BATCH_FAULT;
		if (!gpu_read(s, vm, addr64(dw[2] & ~3u, dw[3]), &v, 4))
			return SIM_BATCH_FAULT;
		write_register(s, dw[1], v);
		break;
	}
	case MI_MATH_OP:
		for (uint32_t i = 1; i < len; i++)
			if (!alu_step(s, dw[i]))
				return SIM_BATCH_FAULT;
		break;
	case MI_STORE_REG_MEM_OP: {
		uint32_t v;

		if (len < 4)
			return SIM_BATCH_FAULT;
		v = read_register(s, dw[1]);
		if (!gpu_write(s, vm, addr64(dw[2] & ~3u, dw[3]), &v, 4))
			return SIM_BATCH_FAULT;
		break;
	}
	case MI_COND_BB_END_OP: {
		uint32_t mem;

		if (len < 4)
			return SIM_BATCH_FAULT;
		/*
		 * A dword compare address: IGT's struct xe_spin keeps `end`
		 * at offset 4 mod 8 and xe_spin_end() stops the spinner on
		 * hardware by writing it.
		 */
		if (!gpu_read(s, vm, addr64(dw[2] & ~3u, dw[3]), &mem, 4))
			return SIM_BATCH_FAULT;
		/*
		 * The batch goes on while "memory <op> inline data" holds and
		 * ends when it does not; without MI_DO_COMPARE the op is
		 * "greater than", i.e. it ends when memory <= inline data.
		 */
		if (!sem_compare(mem, dw[1], hdr & COND_DO_COMPARE ? (hdr >> 12) & 7 : 0)) {
			s->ip += len * 4;
			s->depth = 0;
			if (++s->cur < s->num_batches)
				s->ip = va_mask(s->batches[s->cur]);
			else
				s->done = true;
			return SIM_BATCH_DONE;
		}
		break;
	}
	default:
		break;
	}
	s->ip += len * 4;
	return SIM_BATCH_DONE;
}

enum sim_batch_result sim_batch_run(struct sim_batch_state *s, struct sim_vm *vm)
{
	for (uint32_t n = 0; n < MAX_COMMANDS_PER_RUN; n++) {
		enum sim_batch_result r;

		if (s->done)
			return SIM_BATCH_DONE;
		s->executed++;
		r = step(s, vm);
		if (r != SIM_BATCH_DONE)
			return r;
	}
	/* to other queues and to the CPU side, unless its last command ran */
	return s->done ? SIM_BATCH_DONE : SIM_BATCH_YIELD;
}
