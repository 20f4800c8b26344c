"""Every DomainError and flash message goes through the translation catalogue (issue 23, ADR 0003).

Messages are written in Vietnamese inside `_()` (`_("Đã lưu %(unit)s.") % {"unit": …}`, never an
f-string, which the catalogue cannot hold), with their English in locale/en. This test reads every
module's syntax tree for text written straight into `DomainError(…)` or `messages.success(request, …)`
and friends (also text built with `.format(…)` or `.replace(…)` on such a literal); every module is
converted, so any such text fails the test. A message passed on from elsewhere (`exc.message`, a
variable, a `join` of form errors) is translated where it was written.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

import chungtay

PACKAGE = Path(chungtay.__file__).parent
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
LEVELS = {"debug", "info", "success", "warning", "error", "add_message"}

# Modules allowed to keep text outside the catalogue: none since every module was converted
# (issue 23). Kept as a list with counts so a step-by-step conversion can use it again.
NOT_YET: dict[str, int] = {}


def _translated(node: ast.expr) -> bool:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in GETTEXT
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):  # _("… %(x)s") % {...}
        return _translated(node.left)
    return False


def _written_here(node: ast.expr) -> bool:
    """Text written at this call (a literal, an f-string, or one built from them), not passed on."""
    if isinstance(node, ast.Constant | ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _written_here(node.left) or _written_here(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr != "join":
        return _written_here(node.func.value)  # "….".format(…), f"…".replace(…)
    return False  # "; ".join(…) of form errors, a variable, exc.message: text translated where it was written


def _message(node: ast.Call) -> ast.expr | None:
    func = node.func
    if isinstance(func, ast.Name) and func.id == "DomainError" and node.args:
        return node.args[0]
    is_flash = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "messages"
    if is_flash and func.attr in LEVELS and len(node.args) >= 2:  # type: ignore[union-attr]
        return node.args[1]
    return None


def _untranslated() -> Counter[str]:
    found: Counter[str] = Counter()
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = _message(node) if isinstance(node, ast.Call) else None
            if text is not None and _written_here(text) and not _translated(text):
                found[relative.as_posix()] += 1
    return found


def test_domain_errors_and_flash_messages_go_through_the_catalogue():
    found = _untranslated()
    grown = {m: n for m, n in found.items() if n > NOT_YET.get(m, 0)}
    assert not grown, (
        "Messages written outside the translation catalogue (wrap them in _() with %(name)s "
        f"placeholders and add the English to locale/en): {grown}"
    )
    done = {m: (NOT_YET[m], found.get(m, 0)) for m in NOT_YET if found.get(m, 0) < NOT_YET[m]}
    assert not done, f"Fewer untranslated messages than listed: lower NOT_YET (listed, found): {done}"


def test_the_check_sees_untranslated_text_and_passes_translated_text():
    tree = ast.parse(
        'DomainError(f"Đã có {x}.")\nDomainError(_("Đã có %(x)s.") % {"x": x})\n'
        'messages.success(request, "Đã lưu.")\nmessages.error(request, exc.message)\n'
        'messages.success(request, f"Đã nhận {n:,} đ.".replace(",", "."))\n'
        'messages.error(request, "; ".join(errors))\n'
    )
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _message(n) is not None]
    verdicts = [_written_here(m) and not _translated(m) for m in (_message(c) for c in calls) if m is not None]
    assert sorted(verdicts) == [False, False, False, True, True, True]


def test_a_domain_error_reads_in_english_in_the_english_interface():
    import io

    from django.utils import translation

    from chungtay.core.errors import DomainError
    from chungtay.core.uploads import check_upload

    for language, expected in (("vi", "Tệp “trống.pdf” rỗng."), ("en", "File “trống.pdf” is empty.")):
        with translation.override(language), pytest.raises(DomainError) as refused:
            check_upload(io.BytesIO(b""), name="trống.pdf")
        assert refused.value.message == expected


def test_a_domain_error_shown_as_a_message_refuses_the_action(rf):
    from django.contrib import messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.http import HttpResponse

    from chungtay.core.errors import DomainError
    from chungtay.core.transactions import _refused, action_refused, refuse_with_message

    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    token = _refused.set(False)
    try:
        refuse_with_message(request, DomainError("Số tiền phải lớn hơn 0.", field="amount"))
        assert action_refused(HttpResponse())
    finally:
        _refused.reset(token)
    shown = [(m.level, m.message) for m in messages.get_messages(request)]
    assert shown == [(messages.ERROR, "Số tiền phải lớn hơn 0.")]


def test_views_turn_a_domain_error_into_a_message_or_form_error_through_one_helper():
    """`refuse_with_message(request, exc)` and `add_domain_error(form, exc)`, not the lines they hold."""
    pasted = []
    helpers = {"core/transactions.py", "core/forms.py"}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if "/tests/" in f"/{relative}" or relative in helpers:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            shown = node.args[-1] if node.args else None
            by_hand = isinstance(shown, ast.Attribute) and shown.attr == "message"
            flashed = isinstance(node.func.value, ast.Name) and node.func.value.id == "messages"
            if by_hand and (flashed or node.func.attr == "add_error"):
                pasted.append(f"{relative}:{node.lineno}")
    assert pasted == []
