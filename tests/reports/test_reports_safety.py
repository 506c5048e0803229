"""The closeout report reads no file and calls no host, whatever people type.

Hostile text goes into every user field (an image from a local file, an attachment link to a
local file, an image and a stylesheet from a listener on 127.0.0.1): the template escapes it, so
it prints as text. And should markup ever slip through, WeasyPrint's URL fetcher refuses
everything but inlined data: URIs. Either way the PDF holds none of the file's text and the
listener counts zero connections."""

import base64
import datetime
import io
import socketserver
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from chtprograms.models import Consideration, Organization, Program
from chtprograms.services import consideration_update, program_update
from lifecycle.activity_services import activity_update
from plan.chw_support.services import chw_support_save
from plan.risks.services import lesson_create, scaling_decision_record
from reports import render as reports
from tests.factories import (
    IndicatorFactory,
    MeasurementFactory,
    OrganizationFactory,
    ProgramFactory,
    RiskFactory,
    UserFactory,
)

from .reporting import pdf_reader, pdf_text

pytestmark = pytest.mark.django_db

SECRET = "TOP-SECRET-7f3a9c-do-not-print"
PASSWD = "root:x:0:0"


@pytest.fixture
def secret_file(tmp_path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(f"{SECRET}\n{PASSWD}\n")
    return path


@pytest.fixture
def listener():
    """A TCP server on a free loopback port that counts connections (and, were anything to call
    it, would answer with a redirect to a local file)."""

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            with lock:
                server.connections += 1
            self.request.recv(4096)
            self.request.sendall(b"HTTP/1.0 302 Found\r\nLocation: file:///etc/passwd\r\n\r\n")

    lock = threading.Lock()
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.connections = 0
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def hostile(secret_file: Path, port: int) -> str:
    host = f"http://127.0.0.1:{port}"
    return (
        f'<img src="file:///etc/passwd"><img src="file://{secret_file}">'
        f'<a rel="attachment" href="file://{secret_file}">attached</a>'
        f'<img src="{host}/pixel.png"><link rel="stylesheet" href="{host}/x.css">'
        f"<style>@import url({host}/y.css);</style>"
    )


def one_pixel_png() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (11, 79, 138)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def assert_nothing_leaked(pdf: bytes, listener) -> None:
    text = pdf_text(pdf)
    assert SECRET not in text and PASSWD not in text
    assert SECRET.encode() not in pdf and PASSWD.encode() not in pdf
    reader = pdf_reader(pdf)
    assert reader.attachments == {}
    assert listener.connections == 0


def test_hostile_text_in_every_user_field_prints_as_text(secret_file, listener):
    payload = hostile(secret_file, listener.server_address[1])
    head = UserFactory(first_name=payload[:150], last_name="Head")
    program = ProgramFactory(head=head, name=f"Hostile {payload[:150]}", slug="hostile")
    program = Program.objects.select_related("lead_organization", "lifecycle").get(pk=program.pk)
    partner = OrganizationFactory(name=payload[:200], kind=Organization.Kind.NGO)
    program_update(program=program, partners=[(partner, payload[:200])], summary=payload)
    program_update(program=program, goals=payload)
    consideration = program.considerations.get(area="scope")
    consideration_update(
        consideration=consideration,
        status=Consideration.Status.IN_PROGRESS,
        risk=consideration.risk,
        owner=head,
        notes=payload,
    )
    indicator = IndicatorFactory(program=program, name=payload[:200], unit=payload[:50])
    MeasurementFactory(indicator=indicator, value=Decimal(50), note=payload)
    RiskFactory(program=program, description=payload, mitigation=payload)
    lesson_create(
        program=program,
        by=head,
        stage="design",
        what_happened=payload,
        what_we_learned=payload,
        recorded_on=datetime.date(2027, 2, 1),
    )
    chw_support_save(
        program=program,
        chw_count=10,
        supervisor_count=1,
        compensation_model="unpaid",
        payer=payload[:200],
        supply_status="adequate",
        notes=payload,
    )
    scaling_decision_record(
        program=program,
        decision="end",
        rationale=payload,
        decided_by=head,
        decided_on=datetime.date(2026, 10, 1),
    )
    activity = program.stage_activities.first()
    activity_update(
        activity=activity,
        by=head,
        status="done",
        evidence_note=payload,
        evidence_url="https://example.org/evidence",
    )

    html = reports.render_html(program=program)
    assert "<img" not in html and "<link" not in html and "<a rel" not in html
    assert 'rel="attachment"' not in html and "&lt;img src=&quot;file://" in html
    rendered = reports.render_report(program=program)
    assert rendered.refused_urls == ()  # nothing even asked to be fetched
    assert_nothing_leaked(rendered.pdf, listener)
    text = pdf_text(rendered.pdf)
    assert '<img src="file:///etc/passwd">' in text  # shown, as the person typed it
    assert not [image for page in pdf_reader(rendered.pdf).pages for image in page.images]


def test_the_fetcher_refuses_files_hosts_and_redirects_even_if_markup_slipped_through(
    secret_file, listener
):
    """The second line of defence: raw hostile markup handed to WeasyPrint itself."""
    port = listener.server_address[1]
    host = f"http://127.0.0.1:{port}"
    inline = one_pixel_png()
    html = f"""<!doctype html><html><head>
      <link rel="stylesheet" href="{host}/a.css">
      <link rel="attachment" href="file://{secret_file}">
      <style>
        @import url("{host}/b.css");
        @font-face {{ font-family: Remote; src: url({host}/font.woff); }}
        body {{ background: url(file:///etc/passwd); font-family: Remote, sans-serif; }}
        h1 {{ background-image: url(file://{secret_file}); }}
      </style></head><body>
      <h1>Report</h1>
      <img src="file:///etc/passwd"><img src="file://{secret_file}">
      <img src="{host}/pixel.png"><img src="https://127.0.0.1:{port}/tls.png">
      <a rel="attachment" href="file://{secret_file}">secret attachment</a>
      <object data="file://{secret_file}"></object><embed src="{host}/embed">
      <iframe src="file://{secret_file}"></iframe>
      <svg width="10" height="10"><image href="file://{secret_file}" width="10" height="10"/></svg>
      <img src="{secret_file}"><img src="../../../../etc/passwd">
      <p>An inlined picture is fine:</p><img src="{inline}" alt="blue square">
    </body></html>"""
    rendered = reports.html_to_pdf(html)
    assert_nothing_leaked(rendered.pdf, listener)
    refused = " ".join(rendered.refused_urls)
    assert f"file://{secret_file}" in refused
    assert "file:///etc/passwd" in refused
    assert f"{host}/pixel.png" in refused and f"{host}/a.css" in refused
    assert f"{host}/b.css" in refused and f"{host}/font.woff" in refused
    # The one inlined (data:) image made it into the PDF.
    images = [image for page in pdf_reader(rendered.pdf).pages for image in page.images]
    assert len(images) == 1


def test_the_fetcher_itself_opens_nothing_but_data(secret_file, listener):
    fetcher = reports.make_fetcher()
    for url in (
        f"file://{secret_file}",
        f"http://127.0.0.1:{listener.server_address[1]}/",
        f"https://127.0.0.1:{listener.server_address[1]}/",
        "ftp://127.0.0.1/x",
        f"FILE://{secret_file}",
    ):
        with pytest.raises(reports.RefusedURL):
            fetcher.fetch(url)
    response = fetcher.fetch("data:text/plain;base64," + base64.b64encode(b"inline").decode())
    assert response.read() == b"inline"
    assert reports.decode_data_uri("data:,a%20b") == ("text/plain", b"a b")
    assert listener.connections == 0
