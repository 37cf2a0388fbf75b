"""Records corpus.json: the outcome of every case in cases.py with the real
ujson 6.1.0 from PyPI, installed pinned into a scratch virtualenv this
script makes (and removes). Run it with the CPython the corpus is for:

    python3 tests/python/ujson_corpus/record.py

test_ujson_port.py then checks the port against the file, in every mode
and without a network."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PIN = "ujson==6.1.0"

RUN = """
import json, sys
sys.path.insert(0, {here!r})
import cases, ujson
assert ujson.__version__ == "6.1.0", ujson.__version__
json.dump(cases.run_all(ujson), sys.stdout)
"""


def main():
    with tempfile.TemporaryDirectory() as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        python = venv / "bin" / "python"
        subprocess.run([str(python), "-m", "pip", "install", "-q", PIN], check=True)
        out = subprocess.run([str(python), "-c", RUN.format(here=str(HERE))],
                             check=True, capture_output=True, text=True).stdout
    outcomes = json.loads(out)
    outcomes["recorded_with"] = {"ujson": PIN, "python": sys.version.split()[0]}
    (HERE / "corpus.json").write_text(json.dumps(outcomes, indent=0, ensure_ascii=True) + "\n")
    print(f"wrote {HERE / 'corpus.json'}: {len(outcomes['dumps'])} dumps and "
          f"{len(outcomes['loads'])} loads outcomes")


if __name__ == "__main__":
    main()
