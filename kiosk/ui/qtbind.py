"""Typed wrappers for PySide6's Property and Slot decorators (their stubs fight mypy strict)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from PySide6.QtCore import Property, Slot

F = TypeVar("F", bound=Callable[..., Any])


def qproperty(
    type_: type | str,
    getter: Callable[[Any], Any],
    setter: Callable[[Any, Any], None] | None = None,
    *,
    notify: Any = None,
    constant: bool = False,
) -> Any:
    """A Qt property for QML; Python code calls the getter/setter methods directly."""
    prop: Any = cast(Any, Property)
    if notify is not None:
        return prop(type_, getter, setter, notify=notify)
    return prop(type_, getter, setter, constant=constant)


def slot(*types: type, result: type | None = None) -> Callable[[F], F]:
    """A Qt slot callable from QML, keeping the function's own signature for mypy."""
    dec: Any = cast(Any, Slot)
    return cast(Callable[[F], F], dec(*types, result=result) if result else dec(*types))
