"""A multipart/form-data parser that hands file bytes to the caller as they arrive.

Werkzeug's own form parser spools large file parts to temporary files, which
for an evidence upload would put plaintext on disk (DESIGN.md section 4,
"Files"). This parser reads ``request.stream`` in small pieces with Werkzeug's
sans-IO ``MultipartDecoder`` and gives every file's bytes straight to a sink
the caller provides (an encrypting writer), so memory stays constant and no
plaintext byte is ever written anywhere. Ordinary fields are collected in
memory under a strict size limit.

Views that use it must be exempt from the global CSRF hook (which would read
``request.form`` and so trigger Werkzeug's spooling) and check the token from
the returned fields themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Protocol

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import NEED_DATA, Data, Epilogue, Field, File, MultipartDecoder

READ_SIZE = 64 * 1024


class FileSink(Protocol):
    """Where one uploaded file's bytes go; ``discard`` undoes everything it wrote."""

    def write(self, data: bytes) -> int: ...

    def close(self) -> None: ...

    def discard(self) -> None: ...


@dataclass(frozen=True)
class FormLimits:
    max_field_bytes: int = 64 * 1024
    max_fields_total: int = 512 * 1024
    max_file_bytes: int = 100 * 1024 * 1024
    max_files: int = 10
    max_parts: int = 64


@dataclass
class ReceivedFile:
    """A file part after its bytes went to the sink: name and type as the browser sent them."""

    field_name: str
    filename: str
    content_type: str
    size: int
    sink: FileSink


@dataclass
class StreamedForm:
    fields: MultiDict[str, str] = field(default_factory=MultiDict)
    files: list[ReceivedFile] = field(default_factory=list)

    def discard_files(self) -> None:
        for received in self.files:
            received.sink.discard()
        self.files.clear()


SinkFactory = Callable[[str, str], FileSink]


def boundary_of(content_type: str | None) -> bytes:
    mimetype, options = parse_options_header(content_type or "")
    boundary = options.get("boundary", "")
    if mimetype != "multipart/form-data" or not boundary or len(boundary) > 200:
        raise BadRequest("expected multipart/form-data")
    return boundary.encode("latin-1")


def parse(
    stream: IO[bytes],
    content_type: str | None,
    limits: FormLimits,
    new_sink: SinkFactory,
    form: StreamedForm | None = None,
) -> StreamedForm:
    """Read the whole body; on any error every sink opened so far is discarded.

    ``new_sink(filename, content_type)`` is called for each file part with a
    file name (parts with an empty file name, as browsers send for an empty
    file input, are skipped).
    """
    # The decoder's own memory bound applies to its unparsed buffer (one read
    # plus what it holds back while looking for a boundary), not to a field:
    # field and file sizes are enforced below, as the data events arrive.
    decoder = MultipartDecoder(
        boundary_of(content_type),
        2 * READ_SIZE + limits.max_field_bytes,
        max_parts=limits.max_parts,
    )
    # The caller may pass the form in, so that its sink factory can read the
    # fields that came before a file part (the draft's key, say).
    form = StreamedForm() if form is None else form
    try:
        _consume(stream, decoder, limits, new_sink, form)
    except ValueError:
        # Werkzeug's decoder reports a malformed or cut body as ValueError.
        form.discard_files()
        raise BadRequest("malformed multipart body") from None
    except BaseException:
        form.discard_files()
        raise
    return form


def _consume(
    stream: IO[bytes],
    decoder: MultipartDecoder,
    limits: FormLimits,
    new_sink: SinkFactory,
    form: StreamedForm,
) -> None:
    current: ReceivedFile | None = None
    skipping = False
    field_name: str | None = None
    field_buffer = bytearray()
    fields_total = 0
    finished = False
    while not finished:
        chunk = stream.read(READ_SIZE)
        decoder.receive_data(chunk or None)
        event = decoder.next_event()
        while event is not NEED_DATA:
            if isinstance(event, Field):
                field_name, field_buffer = event.name, bytearray()
            elif isinstance(event, File):
                skipping = not event.filename
                if not skipping:
                    if len(form.files) >= limits.max_files:
                        raise RequestEntityTooLarge("too many files")
                    content_type = event.headers.get("Content-Type", "application/octet-stream")
                    sink = new_sink(event.filename, content_type[:200])
                    current = ReceivedFile(event.name, event.filename, content_type[:200], 0, sink)
                    form.files.append(current)
            elif isinstance(event, Data):
                if current is not None:
                    current.size += len(event.data)
                    if current.size > limits.max_file_bytes:
                        raise RequestEntityTooLarge("file too large")
                    current.sink.write(event.data)
                    if not event.more_data:
                        current.sink.close()
                        current = None
                elif skipping:
                    skipping = event.more_data
                elif field_name is not None:
                    field_buffer += event.data
                    fields_total += len(event.data)
                    if (
                        len(field_buffer) > limits.max_field_bytes
                        or fields_total > limits.max_fields_total
                    ):
                        raise RequestEntityTooLarge("form too large")
                    if not event.more_data:
                        form.fields.add(field_name, _text(field_buffer))
                        field_name = None
            elif isinstance(event, Epilogue):
                finished = True
                break
            event = decoder.next_event()
        if not chunk and not finished:
            raise BadRequest("truncated multipart body")
    if current is not None:
        raise BadRequest("truncated file part")


def _text(raw: bytearray) -> str:
    try:
        return raw.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise BadRequest("form fields must be UTF-8") from None
