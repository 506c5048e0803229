"""The Bootstrap the site ships (static/build/, made by `make assets` from assets/build.mjs): it
styles every class the page templates use, carries only the JavaScript components they call
through data-bs-* attributes, is much smaller than the whole of Bootstrap, and is what the build
makes of today's templates."""

import re
import shutil
import subprocess
from pathlib import Path

from tests.services import ROOT, missing

BUILD = ROOT / "static" / "build"
BOOTSTRAP_CSS = BUILD / "bootstrap.css"
BOOTSTRAP_JS = BUILD / "bootstrap.js"
#: Bootstrap 5.3.9's dist/css/bootstrap.min.css and dist/js/bootstrap.bundle.min.js, in bytes:
#: what the site shipped before it shipped only what it uses.
FULL_CSS_BYTES = 232_314
FULL_JS_BYTES = 80_620

#: Classes that style nothing: they name an element for the tests, for htmx targets or for a
#: reader of the HTML. Any other class a template writes must be in the shipped CSS.
HOOKS = frozenset(
    {
        "accounts-entrance",
        "accounts-manage",
        "accounts-qr",
        "activity-list",
        "activity-status",
        "consideration-status",
        "instance-card",
        "notification",
        "notification-list",
        "portfolio-filters",
        "program-header",
        "report-error",
        "report-row",
        "stage-rail",
        "timeline-created",
        "timeline-record",
        "training-warning",
    }
)

#: data-bs-toggle / data-bs-dismiss / … value → the Bootstrap component answering it (as in
#: assets/build.mjs).
COMPONENTS = {
    ("toggle", "button"): "button",
    ("toggle", "collapse"): "collapse",
    ("toggle", "dropdown"): "dropdown",
    ("toggle", "list"): "tab",
    ("toggle", "modal"): "modal",
    ("toggle", "offcanvas"): "offcanvas",
    ("toggle", "pill"): "tab",
    ("toggle", "popover"): "popover",
    ("toggle", "tab"): "tab",
    ("toggle", "tooltip"): "tooltip",
    ("dismiss", "alert"): "alert",
    ("dismiss", "modal"): "modal",
    ("dismiss", "offcanvas"): "offcanvas",
    ("dismiss", "toast"): "toast",
    ("ride", "carousel"): "carousel",
    ("spy", "scroll"): "scrollspy",
}
ALL_COMPONENTS = set(COMPONENTS.values()) | {"alert"}

#: Bootstrap components and styles, by the class that makes each: absent from the shipped CSS
#: unless a template uses that class.
CSS_COMPONENTS = (
    "accordion",
    "carousel",
    "modal",
    "offcanvas",
    "popover",
    "toast",
    "tooltip",
    "nav-pills",
    "nav-underline",
    "progress-bar",
    "spinner-grow",
    "placeholder-glow",
    "form-floating",
    "form-range",
    "input-group",
    "btn-group-vertical",
    "list-group-numbered",
    "card-group",
    "navbar-light",
    "figure-caption",
)

CLASS_ATTRIBUTE = re.compile(r"""\bclass="((?:\{%.*?%\}|\{\{.*?\}\}|[^"])*)\"""", re.DOTALL)
TEMPLATE_TAG = re.compile(r"\{%.*?%\}", re.DOTALL)
TEMPLATE_VARIABLE = re.compile(r"\{\{.*?\}\}", re.DOTALL)
INCLUDE = re.compile(r"""\{%\s*include\s+["']([^"']+)["']""")
STYLESHEET = re.compile(r"""\{%\s*static\s+['"]([^'"]+\.css)['"]\s*%\}""")
DATA_BS = re.compile(r"""data-bs-(toggle|dismiss|ride|spy)=["']([a-z]+)["']""")
CSS_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
VARIABLE = "\0"


def template_dirs() -> list[Path]:
    return [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]


def not_pages() -> set[Path]:
    """The templates that are not web pages: the e-mails, and the closeout PDF with what it
    includes (they carry their own styles)."""
    found = set((ROOT / "templates" / "emails").rglob("*.html"))
    todo = [ROOT / "templates" / "reports" / "closeout.html"]
    while todo:
        template = todo.pop()
        found.add(template)
        for name in INCLUDE.findall(template.read_text(encoding="utf-8")):
            todo.extend(path for d in template_dirs() if (path := d / name).is_file())
    return found


def page_templates() -> list[Path]:
    skipped = not_pages()
    return [
        path
        for directory in template_dirs()
        for path in sorted(directory.rglob("*.html"))
        if path not in skipped
    ]


def template_classes() -> dict[str, set[str]]:
    """Every class written in a page template's class="…" → the templates writing it. A class
    built from a variable (`health-{{ health }}`) is kept with a NUL where the variable is."""
    classes: dict[str, set[str]] = {}
    for template in page_templates():
        for value in CLASS_ATTRIBUTE.findall(template.read_text(encoding="utf-8")):
            value = TEMPLATE_VARIABLE.sub(VARIABLE, TEMPLATE_TAG.sub(" ", value))
            for name in value.split():
                classes.setdefault(name, set()).add(str(template.relative_to(ROOT)))
    return classes


def css_classes(text: str) -> set[str]:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    text = re.sub(r"url\([^)]*\)", "", text)
    return set(CSS_CLASS.findall(text))


def site_stylesheets() -> list[Path]:
    """The site's own CSS: app.css and the stylesheets pages add."""
    names = {"css/app.css"}
    for template in page_templates():
        names.update(STYLESHEET.findall(template.read_text(encoding="utf-8")))
    names.discard("build/bootstrap.css")
    paths = []
    for name in sorted(names):
        candidates = [ROOT / "static" / name, *ROOT.glob(f"*/static/{name}")]
        paths.extend(path for path in candidates if path.is_file())
    return paths


def components_used() -> set[str]:
    used = set()
    for template in page_templates():
        for kind, value in DATA_BS.findall(template.read_text(encoding="utf-8")):
            assert (kind, value) in COMPONENTS, f"{template}: data-bs-{kind}={value!r}"
            used.add(COMPONENTS[kind, value])
    return used


def test_every_class_a_template_writes_is_in_the_shipped_css():
    shipped = css_classes(BOOTSTRAP_CSS.read_text(encoding="utf-8"))
    for stylesheet in site_stylesheets():
        shipped |= css_classes(stylesheet.read_text(encoding="utf-8"))
    classes = template_classes()
    assert {"btn", "navbar-toggler", "alert-success", "health-pill"} <= classes.keys()
    lacking = {
        name: sorted(templates)
        for name, templates in classes.items()
        if VARIABLE not in name and name not in shipped and name not in HOOKS
    }
    assert not lacking, f"classes no shipped CSS defines (run `make assets`?): {lacking}"


def test_hooks_are_used_and_style_nothing():
    classes = template_classes()
    css = css_classes(BOOTSTRAP_CSS.read_text(encoding="utf-8"))
    for stylesheet in site_stylesheets():
        css |= css_classes(stylesheet.read_text(encoding="utf-8"))
    assert HOOKS <= classes.keys(), HOOKS - classes.keys()
    assert not HOOKS & css, f"these style something: not only hooks {HOOKS & css}"


def test_bootstrap_classes_are_spelled_out_never_built_from_a_variable():
    """The build keeps the Bootstrap classes it finds written in full: `alert-{{ level }}` would
    lose its style. Only the site's own classes (health-, stage-c-, status-…) are built."""
    bootstrap = css_classes(BOOTSTRAP_CSS.read_text(encoding="utf-8"))
    built = {name: templates for name, templates in template_classes().items() if VARIABLE in name}
    assert built, "the templates build some classes (health-{{ … }})"
    for name, templates in built.items():
        prefix = name.split(VARIABLE)[0]
        assert prefix, f"a whole class from a variable in {sorted(templates)}"
        clashes = sorted(c for c in bootstrap if c.startswith(prefix))
        assert not clashes, f"{prefix}… in {sorted(templates)} would build Bootstrap's {clashes}"


def test_the_javascript_carries_exactly_the_components_the_templates_call():
    script = BOOTSTRAP_JS.read_text(encoding="utf-8")
    bundled = set(re.findall(r'"bs\.([a-z]+)"', script))
    assert bundled <= ALL_COMPONENTS
    assert components_used() == {"alert", "collapse", "dropdown"}
    assert bundled == components_used()
    assert len(script.encode()) < FULL_JS_BYTES * 0.6


def test_the_css_is_a_fraction_of_bootstrap_without_the_components_no_template_uses():
    css = BOOTSTRAP_CSS.read_text(encoding="utf-8")
    assert len(css.encode()) < FULL_CSS_BYTES * 0.35
    shipped, used = css_classes(css), template_classes().keys()
    unused = [name for name in CSS_COMPONENTS if name not in used]
    assert len(unused) >= 15, unused
    for name in unused:
        assert not any(c == name or c.startswith(f"{name}-") for c in shipped), name
    # What the bundled components toggle stays.
    assert {"show", "collapsing", "dropdown-menu-end", "fade"} <= shipped


def test_the_shipped_files_are_what_the_build_makes_of_todays_templates(tmp_path):
    node = shutil.which("node")
    if node is None or not (ROOT / "assets" / "node_modules" / "purgecss").is_dir():
        missing(
            "Node.js with the assets' npm packages",
            "install Node.js and run `npm ci` in assets/ (make test does it when npm is there)",
        )
    built = subprocess.run(
        [node, str(ROOT / "assets" / "build.mjs"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == sorted(path.name for path in BUILD.iterdir())
    for name in names:
        assert (tmp_path / name).read_bytes() == (BUILD / name).read_bytes(), (
            f"static/build/{name} is out of date: run `make assets` and commit it"
        )
