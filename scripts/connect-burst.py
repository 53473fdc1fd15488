import socket, sys
path, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setblocking(False)  # as Python with a timeout, Node and Go connect
    try:
        s.connect(path)
    except BlockingIOError:
        print(f"EAGAIN after {i} connects"); sys.exit(0)
    finally:
        s.close()
print(f"all {n} connected")
