#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host side of `make display-test`: capture what QEMU shows and check it.

    capture.py OUT

Runs beside tests/vm/run --capture, whose QEMU has a QMP socket at
OUT/qmp.sock and the guest's /dev/ttyS2 on OUT/ack.sock. Follows the guest's
KTAP in OUT/ktap.log; for each "# CAPTURE NAME ARGS" line it captures
QEMU's window on the X display (OUT/NAME.ppm), checks it as NAME says, and
answers the guest on its ttyS2 with "ok" or "fail REASON". The guest
reports the verdict as its test case. NAME is a pixel pattern of
display_kms.c ("pattern_a W H", "pattern_b W H", "damage W H X Y W H...":
pattern A with rectangles of DAMAGE_COLOR), "solid W H RRGGBB" (every
pixel that colour: weston's background, apps.sh), "console W H MD5" (the
capture is the guest's /dev/fb0 whose md5sum is MD5), "resize W H"
(resize QEMU's window, as a user would; nothing is captured), or "cursor
X Y" / "cursor_hidden": the cursor QEMU received.

QEMU's SDL display does not draw the guest's cursor into its window: it
makes it the X cursor, and only while the pointer is grabbed or the guest
has an absolute pointer (ui/sdl2.c), neither of which these guests have.
So the cursor is checked where QEMU received it: its virtio_gpu_update_cursor
trace events (enabled through QMP, written to OUT/qemu.log), whose last
position must be X Y with a resource set, or no resource once hidden.

The guest asks once the host answered its RESOURCE_FLUSH, but what QEMU
draws reaches the X server over QEMU's own X connection, and the console is
drawn by the fbdev emulation's deferred damage worker, which the guest
cannot wait for. So a check takes new captures until its condition holds,
at most TRIES times, and fails with the last capture's difference.
"""
import ctypes
import ctypes.util
import hashlib
import json
import os
import re
import socket
import sys
import time

TRIES = 100
# "x": QEMU's window on the X display (default: with sdl,gl=on the scanout
# is a GL texture, and screendump answers "no surface"); "qmp": screendump
METHOD = os.environ.get("CAPTURE_METHOD", "x")
DAMAGE_COLOR = 0xff8000


def pattern_a(x, y):
    return (x & 0xff) << 16 | (y & 0xff) << 8 | ((x ^ y) & 0xff)


def pattern_b(x, y):
    return (0xff - (x & 0xff)) << 16 | ((x + y) & 0xff) << 8 | (y * 3 & 0xff)


def wait_for(path):
    while not os.path.exists(path):
        time.sleep(0.1)


def connect(path):
    """A socket QEMU serves, once it listens (the file comes first)."""
    wait_for(path)
    while True:
        sock = socket.socket(socket.AF_UNIX)
        try:
            sock.connect(path)
            return sock
        except (ConnectionRefusedError, FileNotFoundError):
            sock.close()
            time.sleep(0.1)


class Qmp:
    def __init__(self, path):
        self.sock = connect(path)
        self.file = self.sock.makefile("rwb")
        self.read()  # greeting
        self.cmd("qmp_capabilities")

    def read(self):
        while True:
            line = self.file.readline()
            if not line:
                raise EOFError("QMP closed")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def cmd(self, name, **args):
        self.file.write(json.dumps({"execute": name, "arguments": args}).encode() + b"\n")
        self.file.flush()
        rsp = self.read()
        if "error" in rsp:
            raise RuntimeError(f"{name}: {rsp['error'].get('desc')}")
        return rsp.get("return")


class XImage(ctypes.Structure):
    _fields_ = [("width", ctypes.c_int), ("height", ctypes.c_int),
                ("xoffset", ctypes.c_int), ("format", ctypes.c_int),
                ("data", ctypes.POINTER(ctypes.c_ubyte)),
                ("byte_order", ctypes.c_int), ("bitmap_unit", ctypes.c_int),
                ("bitmap_bit_order", ctypes.c_int), ("bitmap_pad", ctypes.c_int),
                ("depth", ctypes.c_int), ("bytes_per_line", ctypes.c_int),
                ("bits_per_pixel", ctypes.c_int), ("red_mask", ctypes.c_ulong),
                ("green_mask", ctypes.c_ulong), ("blue_mask", ctypes.c_ulong)]


class XWindowAttributes(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_int),
                ("width", ctypes.c_int), ("height", ctypes.c_int),
                ("border_width", ctypes.c_int), ("depth", ctypes.c_int),
                ("visual", ctypes.c_void_p), ("root", ctypes.c_ulong),
                ("class_", ctypes.c_int), ("bit_gravity", ctypes.c_int),
                ("win_gravity", ctypes.c_int), ("backing_store", ctypes.c_int),
                ("backing_planes", ctypes.c_ulong), ("backing_pixel", ctypes.c_ulong),
                ("save_under", ctypes.c_int), ("colormap", ctypes.c_ulong),
                ("map_installed", ctypes.c_int), ("map_state", ctypes.c_int),
                ("all_event_masks", ctypes.c_long), ("your_event_mask", ctypes.c_long),
                ("do_not_propagate_mask", ctypes.c_long),
                ("override_redirect", ctypes.c_int), ("screen", ctypes.c_void_p)]


class XErrorEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("display", ctypes.c_void_p),
                ("resourceid", ctypes.c_ulong), ("serial", ctypes.c_ulong),
                ("error_code", ctypes.c_ubyte), ("request_code", ctypes.c_ubyte),
                ("minor_code", ctypes.c_ubyte)]


X_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p,
                                   ctypes.POINTER(XErrorEvent))


class XDisplay:
    """The X display QEMU draws on: its window's pixels, as a PPM would hold."""

    def __init__(self, name):
        x = ctypes.CDLL(ctypes.util.find_library("X11"))
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong,
                                 ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_ulong),
                                 ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
                                 ctypes.POINTER(ctypes.c_uint)]
        x.XGetWindowAttributes.argtypes = [ctypes.c_void_p, ctypes.c_ulong,
                                           ctypes.POINTER(XWindowAttributes)]
        x.XGetImage.restype = ctypes.POINTER(XImage)
        x.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int,
                                ctypes.c_uint, ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
        x.XResizeWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_uint,
                                    ctypes.c_uint]
        x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x.XFree.argtypes = [ctypes.c_void_p]
        x.XMoveWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int]
        x.XSetErrorHandler.argtypes = [X_ERROR_HANDLER]
        self.x = x
        # Xlib's default handler exits; a failed request fails the check
        self.errors = []
        self.handler = X_ERROR_HANDLER(self.on_error)
        x.XSetErrorHandler(self.handler)
        self.dpy = x.XOpenDisplay(name.encode())
        if not self.dpy:
            raise RuntimeError(f"cannot open X display {name}")

    def on_error(self, dpy, event):
        self.errors.append(event.contents.error_code)
        return 0

    def window(self):
        x = self.x
        root = x.XDefaultRootWindow(self.dpy)
        r, p = ctypes.c_ulong(), ctypes.c_ulong()
        kids = ctypes.POINTER(ctypes.c_ulong)()
        n = ctypes.c_uint()
        x.XQueryTree(self.dpy, root, ctypes.byref(r), ctypes.byref(p),
                     ctypes.byref(kids), ctypes.byref(n))
        best = None
        for i in range(n.value):
            a = XWindowAttributes()
            x.XGetWindowAttributes(self.dpy, kids[i], ctypes.byref(a))
            if a.map_state == 2 and (best is None or a.width * a.height > best[1] * best[2]):
                best = (kids[i], a.width, a.height)
        if kids:
            x.XFree(kids)
        if best is None:
            raise RuntimeError("QEMU has no window on the X display")
        return best

    def resize(self, w, h):
        """Resize QEMU's window, as a user dragging its border would."""
        win = self.window()[0]
        self.x.XResizeWindow(self.dpy, win, w, h)
        self.x.XSync(self.dpy, 0)

    def grab(self):
        win, w, h = self.window()
        # XGetImage wants the window all on screen; SDL centres it
        self.x.XMoveWindow(self.dpy, win, 0, 0)
        self.errors.clear()
        img = self.x.XGetImage(self.dpy, win, 0, 0, w, h, 0xffffffff, 2)
        self.x.XSync(self.dpy, 0)
        if self.errors or not img or img.contents.bits_per_pixel != 32:
            raise RuntimeError(f"cannot read QEMU's {w}x{h} window (X errors {self.errors})")
        im = img.contents
        raw = ctypes.string_at(im.data, im.bytes_per_line * h)
        # what XDestroyImage(), a macro, does for an image of XGetImage()
        self.x.XFree(im.data)
        self.x.XFree(img)
        px = bytearray(w * h * 3)
        for y in range(h):
            row = raw[y * im.bytes_per_line:y * im.bytes_per_line + w * 4]
            px[y * w * 3:(y + 1) * w * 3 + 0:3] = row[2::4]
            px[y * w * 3 + 1:(y + 1) * w * 3:3] = row[1::4]
            px[y * w * 3 + 2:(y + 1) * w * 3:3] = row[0::4]
        return w, h, bytes(px)


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    fields = []
    pos = 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        start = pos
        while not data[pos:pos + 1].isspace():
            pos += 1
        fields.append(data[start:pos])
    pos += 1
    if fields[0] != b"P6" or fields[3] != b"255":
        raise ValueError(f"{path}: not an 8-bit P6 PPM")
    return int(fields[1]), int(fields[2]), data[pos:]


def expected_image(w, h, expect):
    """The pixels expect(x, y) gives, as a PPM holds them (RGB bytes)."""
    px = bytearray(w * h * 3)
    o = 0
    for y in range(h):
        for x in range(w):
            v = expect(x, y)
            px[o] = v >> 16
            px[o + 1] = v >> 8 & 0xff
            px[o + 2] = v & 0xff
            o += 3
    return bytes(px)


def check_pixels(img, w, h, want):
    """None when img is the w x h image want, pixel for pixel; else why not."""
    iw, ih, px = img
    if (iw, ih) != (w, h):
        return f"capture is {iw}x{ih}, the mode {w}x{h}"
    if px == want:
        return None
    bad = 0
    first = None
    for o in range(0, w * h * 3, 3):
        if px[o:o + 3] != want[o:o + 3]:
            bad += 1
            if first is None:
                first = (f"({o // 3 % w},{o // 3 // w}) is {px[o:o + 3].hex()}, "
                         f"expected {want[o:o + 3].hex()}")
    return f"{bad} pixels differ, first {first}"


def xrgb(px):
    """RGB bytes as XRGB8888 in memory (B, G, R, 0), as /dev/fb0 holds them."""
    out = bytearray(len(px) // 3 * 4)
    out[0::4] = px[2::3]
    out[1::4] = px[1::3]
    out[2::4] = px[0::3]
    return bytes(out)


def colours(img):
    px = img[2]
    return len({px[i:i + 3] for i in range(0, min(len(px), 3 << 20), 3 * 7)})


CURSOR_EVENT = re.compile(
    r"virtio_gpu_update_cursor scanout (\d+), x (-?\d+), y (-?\d+), (\w+), res 0x([0-9a-f]+)")


def cursor_state(log_path):
    """(resource, x, y, events) of scanout 0 after QEMU's cursor trace events."""
    res, x, y, n = 0, None, None, 0
    with open(log_path, errors="replace") as f:
        for m in CURSOR_EVENT.finditer(f.read()):
            if m.group(1) != "0":
                continue
            n += 1
            x, y = int(m.group(2)) & 0xffffffff, int(m.group(3)) & 0xffffffff
            if m.group(4) == "update":
                res = int(m.group(5), 16)
    return res, x, y, n


class Checker:
    def __init__(self, out, qmp):
        self.out = out
        self.qmp = qmp
        self.xdisplay = None
        # QEMU's log backend writes enabled trace events to its stderr
        qmp.cmd("human-monitor-command",
                **{"command-line": "log trace:virtio_gpu_update_cursor"})
        if METHOD == "x":
            with open(os.path.join(out, "x-display")) as f:
                self.xdisplay = XDisplay(f.read().strip())

    def grab(self, name):
        path = os.path.join(self.out, name + ".ppm")
        if METHOD == "x":
            w, h, px = self.xdisplay.grab()
            with open(path, "wb") as f:
                f.write(b"P6\n%d %d\n255\n" % (w, h) + px)
            return w, h, px
        self.qmp.cmd("screendump", filename=path)
        return read_ppm(path)

    def until(self, name, test):
        """Capture until test(image) returns None; its last reason else."""
        why = None
        for _ in range(TRIES):
            img = self.grab(name)
            why = test(img)
            if why is None:
                return img, None
            time.sleep(0.1)
        return None, why

    def check(self, name, args):
        nums = [int(a) for a in args if a.isdigit()]
        if name in ("pattern_a", "pattern_b"):
            w, h = nums
            want = expected_image(w, h, pattern_a if name == "pattern_a" else pattern_b)
            return self.until(name, lambda img: check_pixels(img, w, h, want))[1]
        if name == "damage":
            # pattern A with DAMAGE_COLOR in each rectangle X Y W H
            w, h = nums[:2]
            rects = [nums[i:i + 4] for i in range(2, len(nums), 4)]

            def expect(x, y):
                for rx, ry, rw, rh in rects:
                    if rx <= x < rx + rw and ry <= y < ry + rh:
                        return DAMAGE_COLOR
                return pattern_a(x, y)
            want = expected_image(w, h, expect)
            return self.until(name, lambda img: check_pixels(img, w, h, want))[1]
        if name == "solid":
            # one colour everywhere (hex, which may look like a number)
            w, h, colour = int(args[0]), int(args[1]), int(args[2], 16)
            want = bytes([colour >> 16, colour >> 8 & 0xff, colour & 0xff]) * (w * h)
            return self.until(name, lambda img: check_pixels(img, w, h, want))[1]
        if name == "console":
            # the guest's /dev/fb0, as md5sum saw it: w x h, XRGB8888 with X 0
            w, h = nums[:2]
            want = args[2]

            def test(img):
                if (img[0], img[1]) != (w, h):
                    return f"capture is {img[0]}x{img[1]}, the console {w}x{h}"
                if colours(img) < 2:
                    return "the capture is blank"
                got = hashlib.md5(xrgb(img[2])).hexdigest()
                return None if got == want else f"capture md5 {got}, /dev/fb0 {want}"
            return self.until(name, test)[1]
        if name in ("cursor", "cursor_hidden"):
            def test(_img):
                res, x, y, n = cursor_state(os.path.join(self.out, "qemu.log"))
                if name == "cursor_hidden":
                    return None if n and not res else f"cursor resource {res:#x}, {n} events"
                if not res or (x, y) != tuple(nums[:2]):
                    return f"cursor resource {res:#x} at {x},{y} after {n} events"
                return None
            return self.until(name, test)[1]
        if name == "resize":
            # what a user does to QEMU's window; QEMU tells the guest
            if self.xdisplay is None:
                return "resizing needs the X display (CAPTURE_METHOD=x)"
            self.xdisplay.resize(nums[0], nums[1])
            return None
        return f"unknown capture {name}"


def main():
    out = sys.argv[1]
    log = os.path.join(out, "ktap.log")
    checker = Checker(out, Qmp(os.path.join(out, "qmp.sock")))
    ack = connect(os.path.join(out, "ack.sock"))
    wait_for(log)
    buf = b""
    with open(log, "rb") as f, open(os.path.join(out, "capture.log"), "w") as rec:
        while True:
            chunk = f.read()
            if not chunk:
                time.sleep(0.05)
                continue
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for raw in lines:
                line = raw.decode(errors="replace").strip()
                if line.startswith("XE-VM-EXIT"):
                    return 0
                if not line.startswith("# CAPTURE "):
                    continue
                name, *args = line.split()[2:]
                try:
                    why = checker.check(name, args)
                except (OSError, ValueError, RuntimeError) as e:
                    why = str(e)
                verdict = "ok" if why is None else f"fail {why}"
                print(f"{name}: {verdict}", file=rec, flush=True)
                ack.sendall(verdict.encode() + b"\n")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except EOFError:
        sys.exit(0)
