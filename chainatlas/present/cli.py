"""The ``chainatlas`` command line (Typer + Rich).

Output meant for people goes through Rich to standard output; progress and errors go
to standard error, so ``chainatlas extract --format jsonl`` stays machine-readable.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

DEFAULT_DB = "atlas.db"

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="ChainAtlas: a cited, searchable atlas of regional biomedical and health industry chains.",
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


class State:
    db: str = DEFAULT_DB


state = State()


@app.callback()
def _main(
    db: Annotated[
        str,
        typer.Option("--db", envvar="CHAINATLAS_DB", help="SQLite path or SQLAlchemy URL of the atlas."),
    ] = DEFAULT_DB,
) -> None:
    state.db = db


def _open_store():
    from chainatlas.store import Store

    try:
        return Store(state.db)
    except Exception as exc:  # a bad URL or an unreadable file: one line, no traceback
        err.print(f"[red]error:[/] cannot open atlas {state.db!r}: {exc}")
        raise typer.Exit(2) from None


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively).")],
    workers: Annotated[int, typer.Option(help="Processes for reading and extraction.")] = 1,
) -> None:
    """Read, clean, extract and store articles (.txt, .md, .html); duplicates are stored once."""
    from chainatlas.present.jobs import ingest_paths, make_mapper

    store = _open_store()
    progress = Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
    )
    with progress:
        task = progress.add_task("", total=None)

        def on_total(n: int) -> None:
            progress.update(task, total=n)

        def on_progress(path: str, n: int) -> None:
            progress.update(task, advance=n, description=Path(path).name[:40])

        report = ingest_paths(
            [str(p) for p in paths], store, mapper=make_mapper(workers), on_progress=on_progress, on_total=on_total
        )
    for path, reason in report.failed:
        err.print(f"[red]failed[/] {path}: {reason}", soft_wrap=True)
    for path, status in report.duplicate:
        err.print(f"[yellow]{status}[/] {path}", soft_wrap=True)
    err.print(
        f"[bold]{len(report.new)} new, {len(report.duplicate)} duplicate, "
        f"{len(report.unchanged)} unchanged, {len(report.failed)} failed[/] → {state.db}"
    )
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders.")],
    format: Annotated[str, typer.Option("--format", "-f", help="jsonl (the contract) or table.")] = "jsonl",
) -> None:
    """Extract entities and quantities without touching a database (JSON Lines contract)."""
    from chainatlas.extract.contract import to_jsonl
    from chainatlas.ingest import IngestError
    from chainatlas.present.jobs import extract_paths

    if format not in ("jsonl", "table"):
        err.print(f"[red]error:[/] --format must be jsonl or table, not {format!r}")
        raise typer.Exit(2)
    failed = 0
    for result in extract_paths([str(p) for p in paths]):
        if isinstance(result, IngestError):
            failed += 1
            err.print(f"[red]failed[/] {result}", soft_wrap=True)
            continue
        if format == "jsonl":
            sys.stdout.write(to_jsonl(result) + "\n")
            sys.stdout.flush()
        else:
            _print_doc_table(result)
    raise typer.Exit(1 if failed else 0)


def _print_doc_table(doc) -> None:
    out.rule(f"{doc.title or doc.source}  [dim]{doc.published or ''} {doc.lang}[/]")
    t = Table("type", "kind", "name", "aliases", "mentions", box=None)
    for e in doc.entities:
        t.add_row(e.type, e.kind or "", e.name, ", ".join(e.aliases), str(len(e.mentions)))
    out.print(t)
    q = Table("kind", "value", "unit", "text", box=None)
    for x in doc.quantities:
        q.add_row(x.kind, f"{x.value:,.10g}", x.currency or x.unit or "", x.text)
    out.print(q)


def _highlight(snippet: str) -> Text:
    """Render ``[[hit]]`` markers from the store as bold yellow."""
    text = Text()
    rest = snippet
    while "[[" in rest and "]]" in rest:
        before, _, tail = rest.partition("[[")
        hit, _, rest = tail.partition("]]")
        text.append(before)
        text.append(hit, style="bold black on yellow")
    text.append(rest)
    return text


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find, Chinese or English (德州, 疫苗, vaccine).")],
    region: Annotated[str | None, typer.Option(help="Only documents about this region.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 10,
) -> None:
    """Full-text search over passages, with title, date, source and the hit highlighted."""
    store = _open_store()
    hits = store.search(query, region=region, limit=limit)
    if not hits:
        out.print(f"no passage matches {query!r}" + (f" in {region}" if region else ""))
        raise typer.Exit(0)
    for h in hits:
        out.print(Text(f"{h.title or '(untitled)'}", style="bold"), Text(f"  {h.published or 'no date'}  {h.source}", style="dim"))
        out.print(_highlight(h.snippet))
        out.print()


@app.command()
def regions() -> None:
    """The atlas overview: regions with their documents, organisations, parks and headline figures."""
    store = _open_store()
    rows = store.regions_overview()
    if not rows:
        out.print(f"the atlas {state.db} holds no regions yet: run `chainatlas ingest PATH` first")
        raise typer.Exit(0)
    t = Table(title=f"ChainAtlas overview — {state.db}", show_lines=True)
    t.add_column("region")
    t.add_column("docs", justify="right")
    t.add_column("organisations")
    t.add_column("parks")
    t.add_column("headline figures")
    for r in rows:
        t.add_row(
            f"{r.name}\n[dim]{r.code or ''}[/]",
            str(r.documents),
            _clip(r.organizations, r.organization_count),
            _clip(r.parks, r.park_count),
            "\n".join(r.headlines) or "[dim]—[/]",
        )
    out.print(t)


def _clip(names: list[str], total: int, n: int = 6) -> str:
    shown = "、".join(names[:n]) or "—"
    return f"{shown}" + (f" … (+{total - n})" if total > n else "") + f"\n[dim]{total} in all[/]"


@app.command()
def show(name: Annotated[str, typer.Argument(help="An entity name or alias.")]) -> None:
    """An entity with its aliases, mentions and the sentences they come from."""
    store = _open_store()
    view = store.entity(name)
    if view is None:
        close = store.find_entities(name)
        if close:
            out.print(f"no entity named {name!r}; did you mean: " + ", ".join(f"{c.name} ({c.type})" for c in close[:10]))
        else:
            out.print(f"no entity named {name!r}")
        raise typer.Exit(1)
    kind = f" / {view.kind}" if view.kind else ""
    out.print(Text(view.name, style="bold"), Text(f"  {view.type}{kind}" + (f"  code {view.code}" if view.code else ""), style="dim"))
    if view.aliases:
        out.print("aliases: " + "、".join(view.aliases))
    out.print(f"{len(view.mentions)} mentions in {len({m.document_id for m in view.mentions})} documents")
    for m in view.mentions[:50]:
        out.print(Text(f"[{m.document_id}] {m.title or ''}  {m.published or ''}", style="dim"))
        sent = m.sentence
        i = sent.find(m.text)
        line = Text(sent[:i] if i >= 0 else sent)
        if i >= 0:
            line.append(m.text, style="bold black on yellow")
            line.append(sent[i + len(m.text):])
        out.print(line)


@app.command(name="eval")
def eval_(
    gold: Annotated[Path, typer.Option(help="Folder of gold JSON files.")],
    docs: Annotated[Path, typer.Option(help="Folder of the documents the gold names.")],
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="List misses and false alarms.")] = False,
) -> None:
    """Score extraction against gold annotations (the figures of the project scorer)."""
    from chainatlas.extract.contract import to_jsonl
    from chainatlas.ingest import IngestError
    from chainatlas.present import scoring
    from chainatlas.present.jobs import extract_paths

    if not gold.is_dir() or not docs.is_dir():
        err.print(f"[red]error:[/] {gold if not gold.is_dir() else docs}: not a folder")
        raise typer.Exit(2)
    names = [json.loads(p.read_text(encoding="utf-8"))["doc"] for p in sorted(gold.glob("*.json"))]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for result in extract_paths([docs / n for n in names]):
            if isinstance(result, IngestError):
                err.print(f"[red]failed[/] {result}")
                continue
            fh.write(to_jsonl(result) + "\n")
        pred = fh.name
    argv = sys.argv
    try:
        sys.argv = ["score", "--gold", str(gold), "--docs", str(docs), "--pred", pred] + (["-v"] if verbose else [])
        scoring.main()
    finally:
        sys.argv = argv
        os.unlink(pred)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
