"""Bytes to text in any common encoding; never a crash."""

from __future__ import annotations

import codecs

from redefection.clean.decode import declared_charset, decode


def test_bom_wins() -> None:
    text, encoding = decode(codecs.BOM_UTF16_LE + "탈북민".encode("utf-16-le"))
    assert (text, encoding) == ("탈북민", "utf-16-le")


def test_http_charset_is_used_for_non_utf8_bytes() -> None:
    data = "북한이탈주민 정착 지원".encode("euc-kr")
    text, encoding = decode(data, "text/html; charset=EUC-KR")
    assert text == "북한이탈주민 정착 지원"
    assert encoding == "cp949"


def test_lying_declaration_yields_to_valid_utf8() -> None:
    data = '<meta charset="iso-8859-1"><p>脱北者 returned</p>'.encode()
    text, encoding = decode(data)
    assert encoding == "utf-8"
    assert "脱北者" in text


def test_detection_without_declaration() -> None:
    data = ("朝鲜 脱北者 返回 " * 40).encode("gb18030")
    text, _ = decode(data)
    assert "脱北者" in text


def test_invalid_bytes_do_not_raise() -> None:
    text, _ = decode(b"valid start \xff\xfe\xfa broken \x80 end" * 3)
    assert "valid start" in text


def test_declared_charset_unknown_label_is_ignored() -> None:
    assert declared_charset(b'<meta charset="no-such-charset">', None) is None
    assert declared_charset(b"", "text/html; charset=gbk") == "gb18030"
