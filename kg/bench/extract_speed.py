"""`python -m kg.bench.extract_speed [--model PATH]`: full-extraction speed on the sample corpus.

Times ``kg.extract.pipeline.extract_papers`` (tokenizer, every pipeline component, and the relation
rules of ``doc_to_extraction``) over the sample corpus repeated ``--repeat`` times, for each
``--processes`` value. Reports wall-clock abstracts/s and, for one process, abstracts per CPU-second
of the process: the machines are shared, and CPU time leaves other jobs' load out of the figure.
The load average before each run is printed with it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def measure(model: str | None, *, processes: list[int], repeat: int = 4, batch_size: int = 256, passes: int = 2) -> dict:
    from kg.extract.datasets import shared_dir
    from kg.extract.pipeline import extract_papers, load_pipeline, model_version
    from kg.ingest import read_paths

    corpus = shared_dir() / "corpus"
    papers = read_paths(sorted(str(p) for p in corpus.iterdir())).papers * repeat
    nlp = load_pipeline(model)
    list(extract_papers(papers[:batch_size], nlp=nlp))  # warm caches (vocab, sentence starts) like a long run
    runs = []
    for n in processes:
        best: dict = {}
        for _ in range(passes):
            load = os.getloadavg()[0]
            cpu0, wall0 = time.process_time(), time.perf_counter()
            count = sum(1 for _ in extract_papers(papers, nlp=nlp, n_process=n, batch_size=batch_size))
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            run = {"processes": n, "papers": count, "abstracts_per_s": round(count / wall, 1), "load_before": round(load, 2)}
            if n == 1:
                run["abstracts_per_cpu_s"] = round(count / cpu, 1)
            if not best or run["abstracts_per_s"] > best["abstracts_per_s"]:
                best = run
        runs.append(best)
    return {"model": model_version(nlp), "path": str(model or "shipped"), "batch_size": batch_size, "runs": runs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.bench.extract_speed", description=__doc__)
    parser.add_argument("--model", default=None, help="a spaCy pipeline name or path (default: the shipped one)")
    parser.add_argument("--processes", default="1,2", help="comma-separated n_process values (default 1,2)")
    parser.add_argument("--repeat", type=int, default=4, help="copies of the 255-paper sample corpus (default 4)")
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args(argv)
    result = measure(args.model, processes=[int(x) for x in args.processes.split(",")], repeat=args.repeat,
                     batch_size=args.batch_size)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
