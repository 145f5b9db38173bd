# Runs a command on a new pseudo-terminal, as typed in a terminal: whenever the output stops at a
# prompt (a line ending in ":"), types the next answer and Enter. Prints everything the terminal
# showed and exits with the command's code.
#   python3 on_terminal.py ANSWER -- COMMAND ARGS...
import os, pty, select, sys, time

split = sys.argv.index("--")
answers = [a.encode() + b"\r" for a in sys.argv[1:split]]
command = sys.argv[split + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(command[0], command)
shown = b""

def read(timeout):
    global shown
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return False
    try:
        data = os.read(fd, 65536)
    except OSError:
        return None
    if not data:
        return None
    shown += data
    return True

for answer in answers:
    start, deadline = len(shown), time.time() + 30
    while time.time() < deadline:
        state = read(0.2)
        if state is None or (state is False and shown[start:].rstrip(b" ").endswith(b":")):
            break
    os.write(fd, answer)
while read(600):
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(shown)
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
