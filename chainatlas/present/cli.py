"""The ``chainatlas`` command line (Typer + Rich).

Output meant for people goes through Rich to standard output; progress and errors go
to standard error, so ``chainatlas extract --format jsonl`` stays machine-readable.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from chainatlas.store.views import Decision

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
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask", metavar="ADDRESS|local",
            help="Read and extract on a Dask cluster: a scheduler address (tcp://host:8786; workers need the "
            "files at the same paths) or 'local' (one process per CPU, or --workers). Storage stays here.",
        ),
    ] = None,
) -> None:
    """Read, clean, extract and store articles (.txt, .md, .html); duplicates are stored once."""
    from rich.markup import escape

    from chainatlas.present.jobs import ingest_paths, make_mapper

    try:
        mapper = make_mapper(workers, dask)
    except (ImportError, ValueError) as exc:  # the dask extra missing, or --workers with a remote cluster
        err.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from None
    store = _open_store()
    if dask:
        from chainatlas.present.scale import DaskUnavailable

        try:
            client = mapper.start()
        except DaskUnavailable as exc:
            err.print(f"[red]error:[/] {escape(str(exc))}", soft_wrap=True)
            raise typer.Exit(2) from None
        err.print(f"dask: {len(client.nthreads())} workers at {client.scheduler.address}")
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

        try:
            report = ingest_paths(
                [str(p) for p in paths], store, mapper=mapper, on_progress=on_progress, on_total=on_total
            )
        finally:
            if dask:
                mapper.close()
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
        out.print(_highlight(h.marked))
        out.print()


@app.command()
def regions(
    level: Annotated[str, typer.Option(help="province, prefecture or county.")] = "prefecture",
) -> None:
    """The atlas overview: regions with their documents, organisations, parks and headline figures."""
    from chainatlas.analyse.evidence import AtlasIndex
    from chainatlas.analyse.overview import LEVELS, overview

    if level not in LEVELS:
        err.print(f"[red]error:[/] --level must be one of {', '.join(LEVELS)}, not {level!r}")
        raise typer.Exit(2)
    store = _open_store()
    rows = overview(AtlasIndex(store), levels=(level,))
    if not rows:
        out.print(f"the atlas {state.db} holds no documents about a {level} yet: run `chainatlas ingest PATH` first")
        raise typer.Exit(0)
    t = Table(title=f"ChainAtlas overview — {state.db}", show_lines=True)
    t.add_column("region")
    t.add_column("docs", justify="right")
    t.add_column("organisations")
    t.add_column("parks")
    t.add_column("headline figures")
    for r in rows:
        t.add_row(
            f"{r.region.name}\n[dim]{r.region.code or ''}[/]",
            str(r.documents),
            _clip(r.organizations, r.organization_count),
            _clip(r.parks, r.park_count),
            "\n".join(f"{h.metric} {h.display}" for h in r.headlines) or "[dim]—[/]",
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
    _print_forms(view)
    out.print(f"{view.mention_count} mentions in {view.document_count} documents")
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


# ---------------------------------------------------------------- tracker and fact curation
# `chainatlas tracker …` (project / lead / cluster lists) and `chainatlas facts …` (verdicts on facts).

tracker_app = typer.Typer(
    no_args_is_help=True,
    help="Project, lead and cluster lists (重点项目建设清单 …): sync from facts, edit, history, import, export.",
)
facts_app = typer.Typer(
    no_args_is_help=True,
    help="Curate extracted facts: confirm, reject or correct them; verdicts survive re-extraction.",
)
app.add_typer(tracker_app, name="tracker")
app.add_typer(facts_app, name="facts")

ActorOption = Annotated[
    str | None, typer.Option("--actor", help="Who is acting (default: $CHAINATLAS_ACTOR, else $USER).")
]


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/] {message}", soft_wrap=True)
    return typer.Exit(code)


def _money(amount: float | None, currency: str | None) -> str:
    """12亿元 / 3000万元 for yuan, as people read them in a list."""
    if amount is None:
        return ""
    if currency not in (None, "CNY"):
        return f"{amount:,.0f} {currency}"
    for factor, word in ((1e8, "亿元"), (1e4, "万元")):
        if amount >= factor:
            return f"{amount / factor:,.4f}".rstrip("0").rstrip(".") + word
    return f"{amount:,.0f}元"


def _changes_line(changes) -> str:
    return "; ".join(f"{c.field} {c.old if c.old is not None else '—'} → {c.new if c.new is not None else '—'}"
                     for c in changes)


@tracker_app.command("sync")
def tracker_sync(actor: ActorOption = None) -> None:
    """Create and refresh items from extracted project / investment facts (user edits are kept)."""
    from chainatlas.analyse.tracker import sync_from_facts

    report = sync_from_facts(_open_store(), actor=actor)
    out.print(f"{report.facts} facts read: {len(report.created)} items created, {len(report.updated)} updated, "
              f"{report.linked} evidence links added or refreshed, {report.unlinked} dropped, "
              f"{len(report.skipped)} facts skipped")
    for item_id, name, kept, extracted in report.conflicts:
        out.print(f"  item {item_id}: kept your {name} {kept!r}; extraction now says {extracted!r}")
    for item_id, name in report.removed:
        out.print(f"  item {item_id} {name}: removed (its facts are gone or rejected, nobody had edited it)")
    for item_id in report.unsupported:
        out.print(f"  item {item_id}: no supporting fact left (kept: a person edited it)")


@tracker_app.command("list")
def tracker_list(
    kind: Annotated[str | None, typer.Option(help="project, lead or cluster.")] = None,
    region: Annotated[str | None, typer.Option(help="Region name (德州 matches 德州市).")] = None,
    status: Annotated[str | None, typer.Option(help="A status, e.g. 在建.")] = None,
    list_name: Annotated[str | None, typer.Option("--list", help="List name, e.g. 重点项目建设清单.")] = None,
    owner: Annotated[str | None, typer.Option(help="Items this person owns.")] = None,
) -> None:
    """Tracker items, filtered; ✎ marks a status a person set."""
    from chainatlas.analyse.tracker import region_key, tracker

    items = tracker(_open_store()).items(kind=kind, status=status, list_name=list_name, owner=owner,
                                         region=region, region_key=region_key)
    if not items:
        out.print("no tracker items" + (" match" if any((kind, region, status, list_name, owner)) else
                                        ": run `chainatlas tracker sync` or `chainatlas tracker add`"))
        raise typer.Exit(0)
    t = Table(box=None)
    for col in ("id", "kind", "list", "name", "region", "status", "amount", "owner", "next step", "due"):
        t.add_column(col, justify="right" if col in ("id", "amount") else "left", overflow="fold")
    for i in items:
        mark = " ✎" if i.source_of("status") == "user" else ""
        t.add_row(str(i.id), i.kind, i.list_name or "", i.name, i.region or "", (i.status or "") + mark,
                  _money(i.amount, i.currency), i.owner or "", i.next_step or "", i.due.isoformat() if i.due else "")
    out.print(t)


@tracker_app.command("show")
def tracker_show(item_id: Annotated[int, typer.Argument(help="Item id.")]) -> None:
    """One item: every field with who set it (user / extracted) and the facts behind it."""
    from chainatlas.analyse.tracker import tracker
    from chainatlas.store.tracker import FIELDS, as_text

    tr = tracker(_open_store())
    item = tr.item(item_id)
    if item is None:
        raise _fail(f"no tracker item with id {item_id}")
    t = Table("field", "value", "set by", box=None)
    for name in FIELDS:
        value = _money(item.amount, item.currency) if name == "amount" else as_text(item.get(name))
        t.add_row(name, value or "[dim]—[/]", item.source_of(name) or "")
    out.print(t)
    out.print(Text(f"created by {item.created_by or '?'} at {item.created_at:%Y-%m-%d %H:%M} UTC, "
                   f"updated {item.updated_at:%Y-%m-%d %H:%M} UTC", style="dim"))
    for ev in tr.evidence(item_id):
        where = f"[{ev.document_id}] {ev.title or ''} {ev.published or ''}" if ev.document_id else "(document gone)"
        out.print(Text(f"fact {ev.fact_id if ev.fact_id is not None else '—'}  {where}", style="dim"))
        out.print(ev.sentence or "")


@tracker_app.command("add")
def tracker_add(
    name: Annotated[str, typer.Option(help="Project, lead or cluster name.")],
    kind: Annotated[str, typer.Option(help="project, lead or cluster.")] = "project",
    list_name: Annotated[str | None, typer.Option("--list", help="List name (default: the kind's list).")] = None,
    region: Annotated[str | None, typer.Option()] = None,
    park: Annotated[str | None, typer.Option()] = None,
    organization: Annotated[str | None, typer.Option(help="Investor or enterprise.")] = None,
    segment: Annotated[str | None, typer.Option(help="Industry segment, e.g. 疫苗.")] = None,
    amount: Annotated[str | None, typer.Option(help="Yuan: 300000000, 3亿元, 3,000万元.")] = None,
    status: Annotated[str | None, typer.Option(help="See `chainatlas tracker statuses`.")] = None,
    owner: Annotated[str | None, typer.Option()] = None,
    next_step: Annotated[str | None, typer.Option()] = None,
    due: Annotated[str | None, typer.Option(help="YYYY-MM-DD.")] = None,
    notes: Annotated[str | None, typer.Option()] = None,
    actor: ActorOption = None,
) -> None:
    """Add an item by hand; every value given is user-curated."""
    from chainatlas.analyse.tracker import TrackerError, add_item

    try:
        item_id = add_item(_open_store(), actor=actor, kind=kind, name=name, list_name=list_name, region=region,
                           park=park, organization=organization, segment=segment, amount=amount, status=status,
                           owner=owner, next_step=next_step, due=due, notes=notes)
    except TrackerError as exc:
        raise _fail(str(exc), 2) from None
    out.print(f"added item {item_id}: {name}")


@tracker_app.command("update")
def tracker_update(
    item_id: Annotated[int, typer.Argument(help="Item id.")],
    status: Annotated[str | None, typer.Option(help="New status (allowed moves: `tracker statuses`).")] = None,
    owner: Annotated[str | None, typer.Option()] = None,
    next_step: Annotated[str | None, typer.Option()] = None,
    due: Annotated[str | None, typer.Option(help="YYYY-MM-DD; empty to clear.")] = None,
    notes: Annotated[str | None, typer.Option()] = None,
    name: Annotated[str | None, typer.Option()] = None,
    kind: Annotated[str | None, typer.Option()] = None,
    list_name: Annotated[str | None, typer.Option("--list")] = None,
    region: Annotated[str | None, typer.Option()] = None,
    park: Annotated[str | None, typer.Option()] = None,
    organization: Annotated[str | None, typer.Option()] = None,
    segment: Annotated[str | None, typer.Option()] = None,
    amount: Annotated[str | None, typer.Option(help="Yuan: 300000000, 3亿元, 3,000万元.")] = None,
    note: Annotated[str | None, typer.Option(help="Why (kept in the history).")] = None,
    force: Annotated[bool, typer.Option(help="Allow a status move the transition table forbids.")] = False,
    release: Annotated[list[str] | None, typer.Option(
        help="Hand a field back to extraction (repeatable): the next sync may change it again.")] = None,
    actor: ActorOption = None,
) -> None:
    """Edit an item: given fields become user-curated and are never overwritten by sync."""
    from chainatlas.analyse.tracker import TrackerError, TransitionError, update_item

    given = {"status": status, "owner": owner, "next_step": next_step, "due": due, "notes": notes, "name": name,
             "kind": kind, "list_name": list_name, "region": region, "park": park, "organization": organization,
             "segment": segment, "amount": amount}
    changes = {k: v for k, v in given.items() if v is not None}
    if not changes and not release:
        raise _fail("nothing to update: give a field option (--status, --owner, …) or --release FIELD", 2)
    try:
        done = update_item(_open_store(), item_id, changes, actor=actor, note=note, force=force,
                           release=release or ())
    except KeyError as exc:
        raise _fail(str(exc.args[0])) from None
    except TransitionError as exc:
        raise _fail(f"item {item_id}: {exc}; use --force to override", 2) from None
    except (TrackerError, ValueError) as exc:
        raise _fail(str(exc), 2) from None
    out.print(f"item {item_id}: " + (_changes_line(done) or "no change") +
              (f"; released {', '.join(release)}" if release else ""))


@tracker_app.command("history")
def tracker_history(item_id: Annotated[int, typer.Argument(help="Item id.")]) -> None:
    """Every change to an item: when, who, which field, old → new, and why."""
    from chainatlas.analyse.tracker import tracker

    tr = tracker(_open_store())
    if tr.item(item_id) is None:
        raise _fail(f"no tracker item with id {item_id}")
    t = Table("at (UTC)", "actor", "field", "old", "new", "note", box=None)
    for h in tr.history(item_id):
        t.add_row(f"{h.at:%Y-%m-%d %H:%M:%S}", h.actor or "", h.field, h.old or "—", h.new or "—", h.note or "")
    out.print(t)


@tracker_app.command("import")
def tracker_import(
    file: Annotated[Path, typer.Argument(help="A .csv or .xlsx file with the columns of `tracker export`.")],
    force: Annotated[bool, typer.Option(help="Allow status moves the transition table forbids.")] = False,
    actor: ActorOption = None,
) -> None:
    """Import a list in one transaction: any bad row and nothing is stored (every error is listed)."""
    from chainatlas.analyse.tracker import TrackerError
    from chainatlas.present.tracker_io import ImportFailed, import_items

    try:
        report = import_items(_open_store(), file, actor=actor, force=force)
    except ImportFailed as exc:
        for line in exc.errors:
            err.print(line, soft_wrap=True, markup=False)
        raise _fail(str(exc)) from None
    except TrackerError as exc:
        raise _fail(str(exc), 2) from None
    for line in report.warnings:
        err.print(f"[yellow]warning:[/] {line}", soft_wrap=True)
    out.print(f"{file}: {report.rows} rows: {len(report.created)} created, {len(report.updated)} updated, "
              f"{len(report.unchanged)} unchanged")


@tracker_app.command("export")
def tracker_export(
    file: Annotated[Path, typer.Argument(help="A .csv or .xlsx file to write.")],
    kind: Annotated[str | None, typer.Option()] = None,
    region: Annotated[str | None, typer.Option()] = None,
    status: Annotated[str | None, typer.Option()] = None,
    list_name: Annotated[str | None, typer.Option("--list")] = None,
) -> None:
    """Write the items (optionally filtered) with the documented columns (docs/tracker.md)."""
    from chainatlas.analyse.tracker import TrackerError, region_key, tracker
    from chainatlas.present.tracker_io import export_items

    store = _open_store()
    items = tracker(store).items(kind=kind, status=status, list_name=list_name, region=region, region_key=region_key)
    try:
        n = export_items(store, file, items)
    except (TrackerError, OSError) as exc:
        raise _fail(str(exc), 2) from None
    out.print(f"{n} items → {file}")


@tracker_app.command("statuses")
def tracker_statuses() -> None:
    """The statuses and the moves allowed between them (chainatlas/analyse/data/tracker_statuses.yaml)."""
    from chainatlas.analyse.tracker import vocabulary

    v = vocabulary()
    t = Table("status", "stage", "may move to", box=None)
    for status, nexts in v.statuses.items():
        t.add_row(status, v.stages.get(status, ""), "、".join(nexts) or "—")
    out.print(t)
    out.print("lists: " + "; ".join(f"{k} → {n}" for k, n in v.kinds.items()))


def _fact_value(key: str, text: str):
    """--set values: JSON numbers / true / null as such, money words for amounts, else the text."""
    from chainatlas.analyse.tracker import parse_amount

    try:
        value = json.loads(text)
        if value is None or isinstance(value, int | float | bool):
            return value
    except ValueError:
        pass
    if key in ("amount", "value"):
        try:
            return parse_amount(text)
        except ValueError:
            pass
    return text


@facts_app.command("list")
def facts_list(
    type_: Annotated[str | None, typer.Option("--type", help="project, investment, metric …")] = None,
    status: Annotated[str | None, typer.Option(help="extracted, confirmed, rejected or corrected.")] = None,
    document: Annotated[int | None, typer.Option(help="Only this document id.")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 50,
) -> None:
    """Stored facts with their ids (for confirm / reject / correct) and evidence sentences."""
    from chainatlas.store.tracker import list_facts

    facts = list_facts(_open_store(), types=[type_] if type_ else None, status=status, document_id=document,
                       limit=limit)
    if not facts:
        out.print("no facts match")
        raise typer.Exit(0)
    t = Table("id", "type", "status", "args", "sentence", box=None)
    for f in facts:
        args = ", ".join(f"{k}={v}" for k, v in f.args.items() if v not in (None, "", [], {}))
        t.add_row(str(f.id), f.type, f.status, args, f.sentence[:80])
    out.print(t)


def _decide(fact_id: int, status: str, args=None, actor: str | None = None) -> None:
    from chainatlas.analyse.tracker import default_actor

    who = actor or default_actor()
    try:
        decision = _open_store().decide_fact(fact_id, status, args=args, actor=who)
    except KeyError as exc:
        raise _fail(str(exc.args[0])) from None
    out.print(f"fact {fact_id} {status} by {who} (decision {decision}); it stays {status} after re-extraction. "
              f"Run `chainatlas tracker sync` to update the tracker.")


@facts_app.command("confirm")
def facts_confirm(fact_id: Annotated[int, typer.Argument()], actor: ActorOption = None) -> None:
    """Mark a fact as checked and right."""
    _decide(fact_id, "confirmed", actor=actor)


@facts_app.command("reject")
def facts_reject(fact_id: Annotated[int, typer.Argument()], actor: ActorOption = None) -> None:
    """Mark a fact as wrong: tracker sync ignores it from now on."""
    _decide(fact_id, "rejected", actor=actor)


@facts_app.command("correct")
def facts_correct(
    fact_id: Annotated[int, typer.Argument()],
    set_: Annotated[list[str], typer.Option("--set", help="FIELD=VALUE, repeatable (amount=3亿元, status=开工).")],
    actor: ActorOption = None,
) -> None:
    """Correct a fact's fields; the other fields keep their extracted values."""
    from chainatlas.store.tracker import list_facts

    found = list_facts(_open_store(), fact_ids=[fact_id])
    if not found:
        raise _fail(f"no fact with id {fact_id}")
    args = dict(found[0].args)
    for pair in set_:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise _fail(f"--set {pair!r}: expected FIELD=VALUE", 2)
        args[key.strip()] = _fact_value(key.strip(), value.strip())
    _decide(fact_id, "corrected", args=args, actor=actor)


# ---------------------------------------------------------------- end of tracker and fact curation


LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; 127.0.0.1 keeps the atlas on this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    read_token_required: Annotated[
        bool, typer.Option("--read-token-required", help="Reading needs a token too (writing always does).")
    ] = False,
    open_reads: Annotated[
        bool, typer.Option("--open-reads", help="Let anyone read when listening beyond 127.0.0.1.")
    ] = False,
    max_upload_mb: Annotated[float, typer.Option(min=0.01, help="Largest article upload, in MB.")] = 5.0,
) -> None:
    """Serve the web atlas (pages and the JSON API under /api/v1) and print its URL."""
    import uvicorn

    from chainatlas.present.web import create_app

    local = host in LOOPBACK
    read_open = not read_token_required and (local or open_reads)
    store = _open_store()
    web = create_app(store=store, read_open=read_open, max_upload_bytes=int(max_upload_mb * 1024 * 1024))
    shown = f"[{host}]" if ":" in host else host
    out.print(f"ChainAtlas web atlas: [bold]http://{shown}:{port}/[/]  (atlas {state.db})")
    out.print("reading: " + ("open" if read_open else "needs a token (log in at /login)")
              + "; writing needs a token (`chainatlas token create`)")
    if not local and read_open:
        err.print("[yellow]warning:[/] anyone who can reach this address can read the atlas")
    uvicorn.run(web, host=host, port=port, log_level="warning")


token_app = typer.Typer(no_args_is_help=True, help="API tokens for the web atlas (writes always need one).")
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    name: Annotated[str | None, typer.Option("--name", help="Who or what the token is for.")] = None,
    read_only: Annotated[bool, typer.Option("--read-only", help="May read, never change anything.")] = False,
) -> None:
    """Make a token and print it once (only a salted hash is kept)."""
    from chainatlas.store.tokens import create_token

    new = create_token(_open_store(), name=name, read_only=read_only)
    err.print(f"token {new.info.id}" + (f" ({name})" if name else "") + (" read-only" if read_only else " read-write")
              + " created; it is shown only now:")
    sys.stdout.write(new.token + "\n")


@token_app.command("list")
def token_list() -> None:
    """Every token: id, name, rights, when made, last used, revoked."""
    from chainatlas.store.tokens import list_tokens

    rows = list_tokens(_open_store())
    if not rows:
        out.print("no tokens yet: `chainatlas token create --name NAME`")
        raise typer.Exit(0)
    t = Table("id", "name", "prefix", "rights", "created", "last used", "revoked", box=None)
    for r in rows:
        t.add_row(str(r.id), r.name or "", f"cat_{r.prefix}_…", "read-only" if r.read_only else "read-write",
                  f"{r.created_at:%Y-%m-%d %H:%M}", f"{r.last_used_at:%Y-%m-%d %H:%M}" if r.last_used_at else "",
                  f"{r.revoked_at:%Y-%m-%d %H:%M}" if r.revoked_at else "")
    out.print(t)


@token_app.command("revoke")
def token_revoke(token_id: Annotated[int, typer.Argument(metavar="ID", help="The id `token list` shows.")]) -> None:
    """Revoke a token: it stops working at once (403)."""
    from chainatlas.store.tokens import revoke_token

    info = revoke_token(_open_store(), token_id)
    if info is None:
        err.print(f"[red]error:[/] no token with id {token_id}")
        raise typer.Exit(1)
    out.print(f"token {token_id} revoked")


# ---------------------------------------------------------------- entity resolution and conflicts
# `chainatlas merge / split / decisions / conflicts`, and the alias listing of `chainatlas show`.


def _doc_refs(refs, n: int = 8) -> str:
    shown = "; ".join(f"[{r.id}] {r.title or '(untitled)'}" + (f" {r.published}" if r.published else "")
                      for r in refs[:n])
    return (shown + (f" … (+{len(refs) - n})" if len(refs) > n else "")) or "no mention stored"


def _print_forms(view) -> None:
    """Every name of an entity with the documents printing it and why it joined (for `show`)."""
    if not view.aliases:
        return
    out.print(Text("printed as", style="bold"))
    out.print(Text(f"  {view.name}", style="bold"), Text(f"  {_doc_refs(view.name_documents)}", style="dim"))
    why = next((m.get("reason") for m in (view.attrs or {}).get("merges") or () if m.get("alias") == view.name), None)
    if why:
        out.print(Text(f"      why: {why}", style="dim"), soft_wrap=True)
    for a in view.aliases:
        line = Text(f"  {a.alias}")
        if a.source == "user":
            line.append("  (user)", style="cyan")
        line.append(f"  {_doc_refs(a.documents)}", style="dim")
        out.print(line)
        if a.reason:
            out.print(Text(f"      why: {a.reason}", style="dim"), soft_wrap=True)


def _actor(actor: str | None) -> str | None:
    import getpass

    if actor:
        return actor
    try:
        return os.environ.get("CHAINATLAS_ACTOR") or os.environ.get("USER") or getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name: the decision is recorded without one
        return None


ResolveActor = Annotated[
    str | None, typer.Option("--actor", help="Who decides (default: $CHAINATLAS_ACTOR, else $USER).")
]


def _merge_or_split(action: Callable[..., Decision], a: str, b: str, actor: str | None) -> Decision:
    """Run a merge or split; an unknown entity or a refused decision is a one-line error (exit 1)."""
    try:
        return action(a, b, actor=_actor(actor))
    except KeyError as exc:
        err.print(f"[red]error:[/] {exc.args[0]}")
        raise typer.Exit(1) from None
    except ValueError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from None


def _decision_note(decision: Decision) -> str:
    return f"(decision #{decision.id}" + (f" by {decision.actor}" if decision.actor else "") + ")"


@app.command()
def merge(
    into: Annotated[str, typer.Argument(metavar="A", help="The entity to keep (name, alias or code).")],
    other: Annotated[str, typer.Argument(metavar="B", help="The entity that becomes part of A.")],
    actor: ResolveActor = None,
) -> None:
    """Merge entity B into A: B's name becomes an alias of A and its mentions move to A.

    The decision is recorded and obeyed on every later ingest and re-extraction.
    """
    decision = _merge_or_split(_open_store().merge, into, other, actor)
    p = decision.payload
    out.print(f"merged {p['from']} into {p['into']} {_decision_note(decision)}")


@app.command()
def split(
    entity: Annotated[str, typer.Argument(metavar="A", help="The entity (name, alias or code).")],
    alias: Annotated[str, typer.Argument(metavar="ALIAS", help="The name to take out of A.")],
    actor: ResolveActor = None,
) -> None:
    """Split ALIAS (and the mentions printed as it) off entity A into an entity of its own.

    The decision is recorded: the two are never merged again, whatever later documents say.
    """
    decision = _merge_or_split(_open_store().split, entity, alias, actor)
    p = decision.payload
    out.print(f"split {p['alias']} off {p['entity']} {_decision_note(decision)}")


@app.command()
def decisions(
    kind: Annotated[str | None, typer.Option(help="merge, split or fact.")] = None,
) -> None:
    """Users' merge, split and fact decisions, oldest first."""
    if kind not in (None, "merge", "split", "fact"):
        err.print(f"[red]error:[/] --kind must be merge, split or fact, not {kind!r}")
        raise typer.Exit(2)
    rows = _open_store().decisions(kind)
    if not rows:
        out.print("no decisions recorded" + (f" of kind {kind}" if kind else ""))
        raise typer.Exit(0)
    t = Table("#", "kind", "what", "by", "when", box=None)
    for d in rows:
        p = d.payload or {}
        if d.kind == "merge":
            what = f"{p.get('from', '?')} → {p.get('into', '?')}" if "into" in p else ", ".join(map(str, p.get("keys", [])))
        elif d.kind == "split":
            what = f"{p.get('alias', '?')} ✂ {p.get('entity', '?')}"
        else:
            what = f"fact {p.get('type', '')} {p.get('start', '')}–{p.get('end', '')}: {p.get('status', '')}"
        t.add_row(str(d.id), d.kind, what, d.actor or "", d.created_at.strftime("%Y-%m-%d %H:%M"))
    out.print(t)


def _figure(value: float, kind: str, unit: str | None) -> str:
    if kind == "money":
        if unit in (None, "CNY"):
            for factor, word in ((1e8, "亿元"), (1e4, "万元")):
                if abs(value) >= factor:
                    return f"{value / factor:,.4f}".rstrip("0").rstrip(".") + word
            return f"{value:,.2f}".rstrip("0").rstrip(".") + "元"
        return f"{value:,.2f} {unit}"
    if kind == "percent":
        return f"{value:g}%"
    return f"{value:,.10g}" + (f" {unit}" if unit else "")


@app.command()
def conflicts(
    region: Annotated[str | None, typer.Option(help="Only documents about this region (name or code).")] = None,
) -> None:
    """Metrics on which sources disagree (same subject, metric and period): every value with its
    documents and sentences. Both values stay stored."""
    found = _open_store().conflicts(region=region)
    if not found:
        out.print("no conflicting metrics" + (f" in {region}" if region else ""))
        raise typer.Exit(0)
    for c in found:
        out.rule(f"{c.subject} · {c.metric} · {c.period}")
        for g in c.values:
            out.print(Text(_figure(g.value, c.kind, c.unit), style="bold yellow"),
                      Text(f"  in {len(g.documents)} document(s)", style="dim"))
            for claim in g.claims:
                out.print(Text(f"    [{claim.document_id}] {claim.title or '(untitled)'}  {claim.published or 'no date'}"
                               + (f"  (fact {claim.fact_id}, {claim.status})" if claim.status != "extracted" else ""),
                               style="dim"))
                out.print(f"    {claim.sentence}", soft_wrap=True)
    out.print(f"{len(found)} conflict(s)")


# ---------------------------------------------------------------- end of entity resolution and conflicts



# ---------------------------------------------------------------- analysis: region, compare, gaps, facts
# `chainatlas region|compare|gaps` and the listing of `chainatlas facts --region R` (chainatlas.analyse).

FormatOption = Annotated[str, typer.Option("--format", "-f", help="table (for people) or json (every value cited).")]


def _atlas():
    from chainatlas.api import Atlas

    return Atlas(_open_store())


def _check_format(format: str) -> None:
    if format not in ("table", "json"):
        raise _fail(f"--format must be table or json, not {format!r}", 2)


def _analysis(format: str, fn):
    """Run an analysis; an unknown or ambiguous region prints the candidates and exits 1."""
    from chainatlas.analyse.regions import AmbiguousRegion, RegionNotFound

    try:
        return fn()
    except RegionNotFound as exc:
        names = [c.region.label for c in exc.candidates]
        if format == "json":
            sys.stdout.write(json.dumps({"error": str(exc), "query": exc.query,
                                         "ambiguous": isinstance(exc, AmbiguousRegion),
                                         "candidates": [{"name": c.region.name, "code": c.region.code,
                                                         "key": c.region.key, "province": c.region.province,
                                                         "documents": c.documents} for c in exc.candidates]},
                                        ensure_ascii=False, indent=2) + "\n")
        what = "is ambiguous" if isinstance(exc, AmbiguousRegion) else "is not a known region"
        err.print(f"[red]error:[/] {exc.query!r} {what}" + ("; did you mean: " + ", ".join(names) if names else ""),
                  soft_wrap=True)
        raise typer.Exit(1) from None
    except ValueError as exc:
        raise _fail(str(exc)) from None


def _dump(obj) -> None:
    sys.stdout.write(json.dumps(obj.to_dict(), ensure_ascii=False, indent=2) + "\n")


def _clipped(text: str | None, n: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _source(c) -> str:
    if c is None:
        return ""
    return f"doc {c.document_id} · {_clipped(c.title, 30)} · {c.published or 'no date'}"


def _seg_label(zh: str, depth: int) -> str:
    return "  " * depth + zh


@app.command()
def region(
    name: Annotated[str, typer.Argument(help="Region name, short name, English name or code (德州, Dezhou, 371400).")],
    format: FormatOption = "table",
    documents: Annotated[int, typer.Option(min=1, max=200, help="Newest documents to list.")] = 10,
) -> None:
    """A region's profile: figures over time, parks, chain leaders, projects and chain coverage, all cited."""
    _check_format(format)
    profile = _analysis(format, lambda: _atlas().region(name, documents=documents))
    if format == "json":
        _dump(profile)
        return
    r = profile.region
    out.rule(f"[bold]{r.label}[/]  {profile.documents_count} documents about it")
    if not profile.in_atlas:
        out.print(f"the atlas {state.db} holds no document about {r.name}: ingest articles about it first")
        raise typer.Exit(1)
    if profile.subregions:
        out.print("sub-regions rolled up: " + "、".join(f"{s.name} ({s.documents})" for s in profile.subregions))
    _heading("Figures", "latest period first; every value with its sentence")
    for s in profile.metrics:
        for p in s.points:
            for v in p.values:
                flag = " [yellow]⚠ conflicting values for this period[/]" if p.conflict else ""
                flag += " [magenta](target)[/]" if v.target else ""
                flag += f" [dim]({v.status})[/]" if v.status != "extracted" else ""
                out.print(f"[bold]{s.metric}[/] {s.subject or ''} [dim]{s.subject_type}[/] · {p.period or 'no period'} · "
                          f"[bold cyan]{v.display}[/]{flag}")
                for c in v.citations[:3]:
                    _cite_line(c)
    if not profile.metrics:
        out.print("[dim]no figures (metric facts) about it in the atlas[/]")
    _heading("Chain leaders and key enterprises", "role facts")
    for item in profile.leaders:
        out.print(f"[bold]{item.entity}[/] — {'、'.join(item.roles)}" + (f" [dim]({', '.join(item.scopes)})[/]" if item.scopes else ""))
        _cite_line(item.citations[0])
    if not profile.leaders:
        out.print("[dim]no role facts (链主/龙头/关键企业 …) about it in the atlas[/]")
    _heading("Projects", "by status, then the largest")
    if profile.projects:
        out.print("  ".join(f"{st.status}: {st.projects} ({st.amount_display})" for st in profile.projects_by_status))
        for p in profile.projects[:15]:
            name = p.name or (f"{p.count}个项目" if p.count else "项目")
            extra = "".join(f" · {x}" for x in (p.investor and f"investor {p.investor}", p.park, p.date) if x)
            out.print(f"[bold]{name}[/] · {p.status} · [cyan]{p.amount_display}[/]{extra}")
            _cite_line(p.citation)
    else:
        out.print("[dim]no project facts about it in the atlas[/]")
    labels = {sg.id: sg.zh for sg in profile.segments}
    _heading("Parks", f"{len(profile.parks)}")
    for pk in profile.parks[:20]:
        out.print(f"{pk.name} [dim]{pk.documents} docs[/]"
                  + (f" → {'、'.join(labels.get(x, x) for x in pk.segments)}" if pk.segments else ""))
    _heading("Enterprises and institutions", f"{len(profile.enterprises)}, most documents first")
    out.print("、".join(f"{e.name}" + (f"[dim]({e.kind})[/]" if e.kind and e.kind != "enterprise" else "")
                       for e in profile.enterprises[:40]) or "[dim]none[/]")
    t = Table("stage", "segment", "evidence", "enterprises / institutions", "parks", "projects",
              title="Chain coverage (evidence = distinct sentences, sub-segments included)", title_justify="left")
    for sg in profile.segments:
        if sg.present:
            t.add_row(sg.stage, _seg_label(sg.zh, sg.depth), str(sg.total), _clipped("、".join(sg.enterprises), 60),
                      _clipped("、".join(sg.parks), 40), _clipped("、".join(sg.projects), 40))
        else:
            t.add_row(f"[dim]{sg.stage}[/]", f"[dim]{_seg_label(sg.zh, sg.depth)}[/]", "[dim]absent[/]", "", "", "")
    out.print()
    out.print(t)
    _heading("Newest documents", "")
    for d in profile.documents:
        out.print(f"{d.published or 'no date'}  doc {d.id} · {d.title or '(untitled)'}  [dim]{d.source or ''}[/]",
                  soft_wrap=True)


def _heading(title: str, note: str) -> None:
    out.print()
    out.print(f"[bold underline]{title}[/]" + (f" [dim]{note}[/]" if note else ""))


def _cite_line(c) -> None:
    line = Text("    ")
    line.append(f"doc {c.document_id} · {c.title or '(untitled)'} · {c.published or 'no date'}: ", style="dim")
    line.append(" ".join(c.sentence.split()))
    out.print(line, soft_wrap=True)


@app.command(name="compare")
def compare_(
    names: Annotated[list[str], typer.Argument(help="Two or more regions (德州市 泰州市 …).")],
    metric: Annotated[list[str] | None, typer.Option("--metric", "-m", help="Only these metrics (repeatable).")] = None,
    format: FormatOption = "table",
) -> None:
    """Regions side by side: figures normalised (money in 亿元) with their sources, and chain coverage."""
    _check_format(format)
    comp = _analysis(format, lambda: _atlas().compare(names, metrics=metric or None))
    if format == "json":
        _dump(comp)
        return
    cols = comp.regions
    t = Table("metric", *[f"{c.region.name}\n[dim]{c.documents} docs[/]" for c in cols], title="Figures",
              title_justify="left", show_lines=True)
    notes: list[str] = []
    for row in comp.metrics:
        cells = []
        for c in row.cells:
            if c.missing:
                cells.append("[dim]—[/]")
                continue
            notes.append(f"[{len(notes) + 1}] {c.region} {row.metric}: {_source(c.citation)} — "
                         f"{_clipped(c.citation.sentence if c.citation else '', 100)}")
            text = f"{c.display} [dim]{c.period or ''}[/] [cyan][{len(notes)}][/]"
            if c.target:
                text += " [dim](target)[/]"
            if c.conflict:
                text += f"\n[yellow]⚠ also {', '.join(c.alternatives)}[/]"
            cells.append(text)
        t.add_row(row.metric, *cells)
    out.print(t if comp.metrics else "[dim]no figures (metric facts) for these regions in the atlas[/]")
    out.print(f"[dim]{comp.note}[/]")
    for n in notes:
        out.print(n, soft_wrap=True, highlight=False, markup=False)
    t = Table("stage", "segment", *[c.region.name for c in cols], title="Chain coverage (evidence sentences, "
              "organisations, projects)", title_justify="left")
    for row in comp.segments:
        t.add_row(row.stage, _seg_label(row.zh, row.depth), *[c.display for c in row.cells])
    out.print(t)


@app.command(name="gaps")
def gaps_(
    name: Annotated[str, typer.Argument(help="The region to find gaps for.")],
    peer: Annotated[list[str] | None, typer.Option("--peer", "-p", help="Compare with these regions only (repeatable).")] = None,
    top: Annotated[int, typer.Option(min=1, max=100, help="Candidate enterprises per gap.")] = 5,
    format: FormatOption = "table",
) -> None:
    """Chain segments where the region is absent or weak while peers are strong, with enterprises to approach."""
    _check_format(format)
    report = _analysis(format, lambda: _atlas().gaps(name, peers=peer or None, candidates=top))
    if format == "json":
        _dump(report)
        return
    out.rule(f"[bold]Gaps of {report.region.label}[/]  {report.documents} documents, {len(report.peers)} peers")
    out.print(f"[dim]rule: {report.rule}[/]", soft_wrap=True)
    if not report.documents:
        out.print(f"the atlas holds no document about {report.region.name}: every segment would look absent")
    if not report.gaps:
        out.print("no gaps: in no segment is the region absent or weak while a peer is strong")
        raise typer.Exit(0)
    for i, gap in enumerate(report.gaps, 1):
        s = gap.segment
        out.print(f"\n[bold]{i}. {s.zh}[/] ({s.en}, {s.stage}) — [red]{s.status}[/]")
        out.print(gap.reason, soft_wrap=True)
        if not gap.candidates:
            out.print("[dim]no enterprise of another region has evidence in this segment[/]")
            continue
        for c in gap.candidates:
            terms = " + ".join(f"{t.name} {t.points:g}" for t in c.terms)
            out.print(f"  [bold]#{c.rank} {c.name}[/] ({'、'.join(c.regions)}) score [bold cyan]{c.score:g}[/] = {terms}")
            for t in c.terms:
                out.print(f"      [dim]{t.name} {t.points:g}/{t.max_points:g}:[/] {t.reason}", soft_wrap=True)
            for p in c.projects[:2]:
                out.print(f"      [dim]project:[/] {p.name or '—'} · {p.status or 'no status'} · {p.amount_display}"
                          + (f" · {p.date}" if p.date else ""), soft_wrap=True)
            for cite in c.evidence[:2]:
                out.print("  ", end="")
                _cite_line(cite)


@facts_app.callback(invoke_without_command=True, no_args_is_help=False)
def facts_overview(
    ctx: typer.Context,
    region: Annotated[str | None, typer.Option(help="Facts about this region (its counties and parks too).")] = None,
    type_: Annotated[list[str] | None, typer.Option("--type", "-t", help="metric, project, investment, role, product, event.")] = None,
    status: Annotated[list[str] | None, typer.Option(help="extracted, confirmed, corrected, rejected (default: all but rejected).")] = None,
    limit: Annotated[int, typer.Option(min=1)] = 200,
    format: FormatOption = "table",
) -> None:
    """Facts with their sentences (`facts --region 泰州市`); subcommands curate them (list, confirm, reject, correct)."""
    if ctx.invoked_subcommand is not None:
        return
    _check_format(format)
    items = _analysis(format, lambda: _atlas().facts(region=region, type=type_ or None, status=status or None,
                                                      limit=limit))
    if format == "json":
        from chainatlas.analyse.profiles import to_jsonable

        sys.stdout.write(json.dumps(to_jsonable(items), ensure_ascii=False, indent=2) + "\n")
        return
    if not items:
        out.print("no facts match" + (f" about {region}" if region else ""))
        return
    out.print(f"[bold]{len(items)} facts[/]" + (f" about {region}" if region else "")
              + (" [dim](limit reached)[/]" if len(items) == limit else ""))
    for f in items:
        status = f"[yellow]{f.status}[/]" if f.status != "extracted" else f"[dim]{f.status}[/]"
        line = Text(f"#{f.id} ", style="bold")
        line.append(f"{f.type} ")
        line.append_text(Text.from_markup(status))
        line.append(" · ")
        line.append(f.summary)
        out.print(line, soft_wrap=True)
        _cite_line(f.citation)


# ---------------------------------------------------------------- end of analysis


# ---------------------------------------------------------------- briefings and exports
# `chainatlas report` (cited briefing of a region or a comparison), `chainatlas digest` (Core Insights of
# one article) and `chainatlas export` (tables as CSV / XLSX / Parquet / JSON Lines): docs/exports.md.

def _report_output(written, output: Path | None) -> None:
    """Print Markdown to stdout (no -o) or name what was written; a failed citation check exits 1."""
    if output is None:
        sys.stdout.write(written.text or "")
    else:
        err.print(f"wrote {', '.join(str(f) for f in written.files)}")
    if not written.check.ok:
        for problem in written.check.problems[:20]:
            err.print(f"[red]citation check:[/] {problem}", soft_wrap=True, markup=False)
        raise typer.Exit(1)


@app.command()
def report(
    region: Annotated[str, typer.Argument(help="A region: 德州市, 德州, Dezhou or 371400.")],
    vs: Annotated[list[str] | None, typer.Option("--vs", help="Compare with these regions (repeatable, or 泰州市,菏泽市).")] = None,
    since: Annotated[str | None, typer.Option(help="Only articles published on or after this date (YYYY[-MM[-DD]]).")] = None,
    lang: Annotated[str, typer.Option("--lang", help="zh or en.")] = "zh",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="FILE.md, FILE.html or FILE.pdf (default: Markdown on stdout).")] = None,
    charts: Annotated[bool, typer.Option("--charts/--no-charts", help="Charts in HTML and PDF (and next to a .md file).")] = True,
    llm: Annotated[bool, typer.Option("--llm", help="Let the LLM at $CHAINATLAS_LLM_URL reword the text (checked; off by default).")] = False,
) -> None:
    """A cited briefing: headline, Core Insights, sections, Sources; every number carries a \\[n] citation."""
    import re

    from chainatlas.analyse.regions import RegionNotFound
    from chainatlas.present.report import AtlasData, ReportOptions, build_report
    from chainatlas.present.report import llm as llm_backend
    from chainatlas.present.report.output import format_of, write
    from chainatlas.present.report.render_pdf import PdfUnavailable

    if lang not in ("zh", "en"):
        raise _fail(f"--lang must be zh or en, not {lang!r}", 2)
    if since is not None and not re.fullmatch(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", since):
        raise _fail(f"--since {since!r}: expected a date YYYY-MM-DD (or YYYY-MM, YYYY)", 2)
    try:
        format_of(output)
    except ValueError as exc:
        raise _fail(str(exc), 2) from None
    others = [x.strip() for v in vs or () for x in re.split(r"[,，、]", v) if x.strip()]
    atlas = AtlasData(_open_store())
    try:
        brief = build_report(atlas, [region, *others], ReportOptions(lang=lang, since=since, charts=charts))
    except RegionNotFound as exc:
        if exc.candidates:
            err.print(f"[red]error:[/] {exc.args[0].split(';')[0]}; did you mean:", soft_wrap=True)
            for c in exc.candidates[:8]:
                err.print(f"  {c.label}", soft_wrap=True, markup=False)
        else:
            err.print(f"[red]error:[/] {exc.query!r} is not a region the atlas or the gazetteer knows", soft_wrap=True)
            known = [r.name for r, _n in atlas.atlas_regions()[:10]]
            if known:
                err.print("regions in the atlas: " + "、".join(known), soft_wrap=True)
        raise typer.Exit(1) from None
    if llm or llm_backend.enabled_by_env():
        cfg = llm_backend.config_from_env()
        if cfg is None:
            raise _fail("--llm needs CHAINATLAS_LLM_URL and CHAINATLAS_LLM_MODEL", 2)
        brief = llm_backend.rewrite(brief, cfg, warn=lambda m: err.print(m, markup=False, soft_wrap=True))
    if brief.fact_count == 0:
        err.print(f"[yellow]warning:[/] no cited facts about {', '.join(brief.regions)}: the briefing says what is missing")
    try:
        written = write(brief, output, charts=charts)
    except PdfUnavailable as exc:
        raise _fail(str(exc)) from None
    _report_output(written, output)


@app.command()
def digest(
    file: Annotated[Path, typer.Argument(help="An article (.txt, .md, .html); nothing is stored.")],
    lang: Annotated[str | None, typer.Option("--lang", help="zh or en headings (default: the article's language).")] = None,
    sentences: Annotated[int | None, typer.Option(min=1, max=12, help="How many sentences (default 3-6 by length).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="FILE.md, FILE.html or FILE.pdf (default: Markdown on stdout).")] = None,
) -> None:
    """The Core Insights of one article: its most telling sentences, each citing its paragraph as \\[n]."""
    from chainatlas.ingest import IngestError
    from chainatlas.present.report.digest import digest_path
    from chainatlas.present.report.output import format_of, write
    from chainatlas.present.report.render_pdf import PdfUnavailable

    if lang not in (None, "zh", "en"):
        raise _fail(f"--lang must be zh or en, not {lang!r}", 2)
    try:
        format_of(output)
        brief = digest_path(file, lang=lang, k=sentences)
    except IngestError as exc:
        raise _fail(str(exc)) from None
    except ValueError as exc:
        raise _fail(str(exc), 2) from None
    try:
        written = write(brief, output, charts=False)
    except PdfUnavailable as exc:
        raise _fail(str(exc)) from None
    _report_output(written, output)


@app.command(name="export")
def export_(
    format: Annotated[str | None, typer.Option("--format", "-f", help="csv, xlsx, parquet or jsonl (default: from -o, else csv).")] = None,
    what: Annotated[str, typer.Option("--what", help="entities, facts, projects or documents.")] = "facts",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="The file to write (stdout for csv and jsonl without it).")] = None,
) -> None:
    """Export a table of the atlas with stable column names (docs/exports.md)."""
    from chainatlas.present.export import ExportError, export, format_for

    try:
        fmt = format_for(format, output)
        n = export(_open_store(), what, fmt, output)
    except ExportError as exc:
        raise _fail(str(exc), 2) from None
    err.print(f"{n} {what} rows" + (f" → {output}" if output else ""))


# ---------------------------------------------------------------- end of briefings and exports


def main() -> None:
    app()


if __name__ == "__main__":
    main()
