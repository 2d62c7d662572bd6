"""Reading CSV files as they come: any line ending (CRLF, LF, CR), a BOM or not, UTF-8 or a legacy
encoding, comma, semicolon or tab separated. Rows come with the line number they start on.

Encoding `auto`: a BOM decides (UTF-8, UTF-16); otherwise the whole file is checked as UTF-8 in
one streaming pass, and a file that is not valid UTF-8 is read as Windows-1252 (what spreadsheet
programs write in western Europe), or Latin-1 when even that does not fit.
Delimiter `auto`: the one of , ; tab | that occurs most in the header line.
"""

import codecs
import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
Progress = Callable[[int], None]  # bytes read so far


class FileProblem(ValueError):
    """A file that cannot be read at all (the message names it)."""


@dataclass(frozen=True)
class CsvFile:
    path: Path
    encoding: str
    delimiter: str
    header: tuple[str, ...]
    size: int

    @property
    def name(self) -> str:
        return self.path.name

    def column(self, name: str) -> int | None:
        try:
            return self.header.index(name)
        except ValueError:
            return None


@dataclass(slots=True)
class Row:
    line: int  # the line the record starts on (the header is line 1)
    cells: list[str]


@dataclass(slots=True)
class BadRow:
    line: int
    message: str


def open_csv(path: Path, encoding: str = "auto", delimiter: str = "auto") -> CsvFile:
    """Check that a file can be read and read its header; raises FileProblem."""
    if not path.is_file():
        raise FileProblem(f"{path}: no such file")
    size = path.stat().st_size
    if encoding == "auto":
        encoding = detect_encoding(path)
    with _text(path, encoding) as text:
        try:
            first = text.readline()
        except UnicodeDecodeError as exc:
            raise FileProblem(f"{path.name}: not valid {encoding} ({exc.reason})") from None
        if delimiter == "auto":
            delimiter = max(DELIMITERS, key=first.count) if first.strip() else ","
        text.seek(0)
        reader = csv.reader(text, delimiter=delimiter)
        try:
            header = next((cells for cells in reader if any(c.strip() for c in cells)), None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise FileProblem(f"{path.name}: cannot read the header ({exc})") from None
    if header is None:
        raise FileProblem(f"{path.name}: the file is empty (no header line)")
    names = tuple(cell.strip() for cell in header)
    duplicates = sorted({n for n in names if n and names.count(n) > 1})
    if duplicates:
        raise FileProblem(f"{path.name}: column names given twice: {', '.join(duplicates)}")
    return CsvFile(path, encoding, delimiter, names, size)


def estimate_rows(csv_file: CsvFile) -> int:
    """About how many rows the file has, from the length of its first lines."""
    with csv_file.path.open("rb") as raw:
        sample = raw.read(1 << 16)
    lines = sample.count(b"\n") or 1
    return int(csv_file.size / (len(sample) / lines)) if sample else 0


def detect_encoding(path: Path) -> str:
    with path.open("rb") as raw:
        start = raw.read(4)
        if start.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        raw.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while block := raw.read(CHUNK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        raw.seek(0)
        legacy = codecs.getincrementaldecoder("cp1252")()
        try:
            while block := raw.read(CHUNK):
                legacy.decode(block)
            return "cp1252"
        except UnicodeDecodeError:
            return "latin-1"


def read_rows(csv_file: CsvFile, progress: Progress | None = None) -> Iterator[Row | BadRow]:
    """The data rows after the header, blank lines left out; a row whose number of cells differs
    from the header's comes as a BadRow."""
    width = len(csv_file.header)
    with _text(csv_file.path, csv_file.encoding, progress) as text:
        reader = csv.reader(text, delimiter=csv_file.delimiter)
        header_seen = False
        end = 0  # the last line of the previous record
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield BadRow(end + 1, f"cannot read the row ({exc})")
                end = reader.line_num
                continue
            except UnicodeDecodeError as exc:
                raise FileProblem(
                    f"{csv_file.name}: not valid {csv_file.encoding} after line {end} "
                    f"({exc.reason})"
                ) from None
            line, end = end + 1, reader.line_num
            if not header_seen:
                header_seen = any(c.strip() for c in cells)
                continue
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if len(cells) != width:
                yield BadRow(line, f"{len(cells)} cells where the header has {width}")
                continue
            yield Row(line, cells)


class _Counting(io.RawIOBase):
    """A binary file that reports how many bytes were read (for the progress bar)."""

    def __init__(self, path: Path, progress: Progress | None) -> None:
        self._file = path.open("rb", buffering=0)
        self._progress = progress
        self.done = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        position = self._file.seek(offset, whence)
        self.done = position
        return position

    def tell(self) -> int:
        return self._file.tell()

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        count = self._file.readinto(buffer) or 0
        self.done += count
        if self._progress is not None:
            self._progress(self.done)
        return count

    def close(self) -> None:
        self._file.close()
        super().close()


def _text(path: Path, encoding: str, progress: Progress | None = None) -> io.TextIOWrapper:
    raw = io.BufferedReader(_Counting(path, progress), CHUNK)
    return io.TextIOWrapper(raw, encoding=encoding, newline="")
