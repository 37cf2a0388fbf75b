"""Non-blank, non-comment lines of C, Rust and Python files (docs/port-xxhash.md):
    python3 examples/xxhash/count_lines.py FILE..."""
import re, sys
def count(path):
    src = open(path).read()
    if path.endswith(".c"):
        src = re.sub(r"/\*.*?\*/", "", src, flags=re.S)
        src = re.sub(r"//[^\n]*", "", src)
    lines = [l.strip() for l in src.splitlines()]
    return sum(1 for l in lines if l and not l.startswith(("//", "#" if path.endswith(".py") else "\0")))
for p in sys.argv[1:]:
    print(count(p), p)
