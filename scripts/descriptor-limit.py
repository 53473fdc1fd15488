import socket, struct, sys, time
path = sys.argv[1]
def frame(b): return struct.pack('>I', len(b)) + b
cs = []
for i in range(400):
    s = socket.socket(socket.AF_UNIX); s.connect(path); s.sendall(frame(b'client %d' % i)); cs.append(s)
def reply(s):
    s.settimeout(10)
    head = b''
    while len(head) < 4:
        c = s.recv(4 - len(head))
        if not c: return None
        head += c
    n = struct.unpack('>I', head)[0]; b = b''
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c: return None
        b += c
    return b
served_early = sum(1 for s in cs[:50] if reply(s))
# keep the pressure for 5 s while the first 50 go on talking
t = time.time(); exchanges = 0
while time.time() - t < float(sys.argv[2] if len(sys.argv) > 2 else 5):
    for s in cs[:50]:
        s.sendall(frame(b'again')); exchanges += reply(s) == b'again'
for s in cs[:50]: s.close()
served_late = 0
for s in cs[50:]:
    try:
        served_late += reply(s) is not None
    except Exception as e:
        pass
    s.close()
print(f"first 50 served {served_early}, exchanges during {sys.argv[2] if len(sys.argv) > 2 else 5} s of pressure {exchanges}, the other 350 served afterwards {served_late}")
