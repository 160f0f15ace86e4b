from __future__ import annotations

from cleaner.engine.segment import segment


def test_blocks_are_lines_with_their_separators():
    text = "  First line.\r\nSecond line.  \n\n\nThird."
    blocks = segment(text)
    assert [b.text for b in blocks] == ["First line.", "Second line.", "Third."]
    assert [b.separator for b in blocks] == ["\r\n", "  \n\n\n", ""]
    for b in blocks:
        assert text[b.start:b.end] == b.text


def test_hard_wrapped_paragraphs_are_one_block_each():
    para = ("The committee met for three hours on Monday and agreed to\n"
            "publish its findings before the end of the month, after a\n"
            "long argument about the wording of the final paragraph of\n"
            "the report, which several members said was too vague.\n")
    text = para + "\n" + para + "\n" + para
    blocks = segment(text)
    assert len(blocks) == 3
    assert blocks[0].text == para.strip()
    assert blocks[0].separator == "\n\n"


def test_one_paragraph_per_line_is_not_hard_wrapped():
    text = "\n".join(["A short line.", "A much longer line that goes on and on for quite a while, like prose does.",
                      "Mid-sized line here, nothing more.", "x" * 300])
    assert len(segment(text)) == 4


def test_empty_and_blank_text_have_no_blocks():
    assert segment("") == []
    assert segment(" \n\n \t\n") == []
