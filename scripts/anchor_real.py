"""Turn real-text annotations that quote words into offset-only records for corpus/real-*/.

    python scripts/anchor_real.py TASKS.jsonl ANNOTATIONS.jsonl [-o OUT.jsonl]

TASKS holds the sentences to annotate (task, corpus, doc, field, start, end, sha1,
sentence); ANNOTATIONS one line per task: {"task": ..., "events": [...], "negative": ...}
with the spans quoted as in written documents (docs/annotation.md). Without -o it only
checks; every problem is printed with file:line and reason.
"""
from __future__ import annotations

import argparse
import json
import sys

from dyads.corpus.annotations import AnnotationProblem, anchor_annotation


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tasks")
    ap.add_argument("annotations")
    ap.add_argument("-o", "--out")
    args = ap.parse_args()
    tasks = {t["task"]: t for t in map(json.loads, open(args.tasks, encoding="utf-8"))}
    records, problems, done = [], 0, set()
    for lineno, line in enumerate(open(args.annotations, encoding="utf-8"), start=1):
        if not line.strip():
            continue
        where = f"{args.annotations}:{lineno}"
        try:
            ann = json.loads(line)
            task = tasks.get(ann.get("task"))
            if task is None:
                raise AnnotationProblem(f"no task {ann.get('task')!r} in {args.tasks}")
            if ann["task"] in done:
                raise AnnotationProblem(f"task {ann['task']} annotated twice")
            records.append(anchor_annotation(task, ann))
            done.add(ann["task"])
        except (json.JSONDecodeError, AnnotationProblem, KeyError, TypeError) as exc:
            problems += 1
            print(f"{where}: {exc}", file=sys.stderr)
    missing = [t for t in tasks if t not in done]
    print(f"{len(records)} sentences anchored, {problems} problems, {len(missing)} tasks not annotated"
          + (f" (first: {missing[0]})" if missing else ""))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            for rec in sorted(records, key=lambda r: r["task"]):
                fh.write(json.dumps(rec) + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
