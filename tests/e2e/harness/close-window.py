"""Presses a window's close button, as a window manager does: sends WM_DELETE_WINDOW (ICCCM
4.2.8.1) to every top-level window with the given title (or "<screen> - <title>") on $DISPLAY.
The private Xvfb runs no window manager, and WebDriver's "Close Window" only destroys the webview, never asking the
window to close; this is the request a person's click on the title bar's X becomes.

Usage: python3 close-window.py TITLE   (exit 0 if at least one window was asked)
Only the Python standard library (ctypes) and libX11, which GTK already needs."""

import ctypes
import sys

CLIENT_MESSAGE = 33


class XClientMessageEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("message_type", ctypes.c_ulong),
        ("format", ctypes.c_int),
        ("data", ctypes.c_long * 5),
    ]


class XEvent(ctypes.Union):
    _fields_ = [("xclient", XClientMessageEvent), ("pad", ctypes.c_long * 24)]


def main(title):
    x = ctypes.cdll.LoadLibrary("libX11.so.6")
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XDefaultRootWindow.restype = ctypes.c_ulong
    x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x.XInternAtom.restype = ctypes.c_ulong
    x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x.XQueryTree.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
        ctypes.POINTER(ctypes.c_uint),
    ]
    x.XFetchName.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_char_p)]
    x.XSendEvent.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_int,
        ctypes.c_long,
        ctypes.POINTER(XEvent),
    ]
    x.XFlush.argtypes = [ctypes.c_void_p]
    x.XCloseDisplay.argtypes = [ctypes.c_void_p]
    x.XFree.argtypes = [ctypes.c_void_p]

    display = x.XOpenDisplay(None)
    if not display:
        sys.exit("close-window: cannot open $DISPLAY")
    root = x.XDefaultRootWindow(display)
    protocols = x.XInternAtom(display, b"WM_PROTOCOLS", 0)
    delete = x.XInternAtom(display, b"WM_DELETE_WINDOW", 0)

    root_out, parent_out = ctypes.c_ulong(), ctypes.c_ulong()
    children, count = ctypes.POINTER(ctypes.c_ulong)(), ctypes.c_uint()
    x.XQueryTree(display, root, ctypes.byref(root_out), ctypes.byref(parent_out),
                 ctypes.byref(children), ctypes.byref(count))
    asked = 0
    for i in range(count.value):
        window = children[i]
        name = ctypes.c_char_p()
        if x.XFetchName(display, window, ctypes.byref(name)) and name.value is not None:
            shown = name.value.decode("utf-8", "replace")
            # The app's window title follows its screen: "Home - Client Finance Portal".
            matches = shown == title or shown.endswith(" - " + title)
            x.XFree(name)
            if matches:
                event = XEvent()
                event.xclient.type = CLIENT_MESSAGE
                event.xclient.window = window
                event.xclient.message_type = protocols
                event.xclient.format = 32
                event.xclient.data[0] = delete
                event.xclient.data[1] = 0  # CurrentTime
                x.XSendEvent(display, window, 0, 0, ctypes.byref(event))
                asked += 1
    if children:
        x.XFree(children)
    x.XFlush(display)
    x.XCloseDisplay(display)
    if asked == 0:
        sys.exit(f"close-window: no window titled {title!r}")
    print(f"asked {asked} window(s) to close")


if __name__ == "__main__":
    main(sys.argv[1])
