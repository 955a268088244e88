"""Text dumps whose article is split: lines hard-wrapped at a fixed width, a lede cut off by page widgets."""

from __future__ import annotations

from redefection.clean.text import clean_dump


def test_a_dump_hard_wrapped_at_a_fixed_width_is_joined_into_paragraphs() -> None:
    dump = "\n".join(
        [
            "Harbor Ledger | August 3, 2015",
            "A defector who had lived in Incheon for six years has gone back to the North, officials said",
            "on Monday, the third such return this year according to the ministry of unification in Seoul.",
            "The man, a former fisherman, was shown on state television on Sunday describing his life in the",
            "south as lonely and saying he had been cheated by a broker who took most of his settlement money.",
            '<a href="http://photos.example/1.jpg"><img src="http://photos.example/1.jpg"></a>',
            "Officials said they were still checking how he had crossed, and whether he had travelled",
            "through China first, as most of those who went back in recent years had done before the border.",
            "His neighbours said he had seemed withdrawn for months and had stopped going to work at the",
            "harbour in the spring, after an injury that left him unable to lift heavy crates on the boats.",
        ]
    )
    article, language = clean_dump(dump)
    assert language == "en"
    assert article.body[0].startswith("A defector who had lived in Incheon")
    assert article.body[0].endswith("unification in Seoul.")
    assert len(article.body) == 4
    assert article.body[-1].endswith("crates on the boats.")


def test_one_paragraph_per_line_is_not_joined() -> None:
    dump = "\n".join(
        [
            "Defector caught near the border says he wanted to go home",
            "Post Reply | Search this topic",
            "A defector was caught near the river on Tuesday night, police said, and told them he wanted to go home.",
            "He had lived in the South since 2011 and had been out of work for months, according to the police.",
            "Re: Defector caught near the border says he wanted to go home",
            "Post by a reader",
            "That river is no joke, and the currents there are strong even in the summer months of the year.",
        ]
    )
    article, _ = clean_dump(dump)
    assert article.title == "Defector caught near the border says he wanted to go home"
    assert not any("Post Reply" in paragraph for paragraph in article.body)


def test_a_lede_split_from_the_story_by_page_widgets_is_kept() -> None:
    dump = "\n\n".join(
        [
            "World",
            "Police stop defector driving a stolen truck toward the border",
            "Share",
            "Police detained a North Korean defector who tried to drive a stolen truck across the bridge to the "
            "North early on Tuesday, officials said, after he ignored soldiers at a checkpoint.",
            "Media coverage",
            "Compare how outlets across the spectrum report this story",
            "Left 30% Center 50% Right 20%",
            "Get the app",
            "Scan the code",
            "The man told police he wanted to return to North Korea because he could not find steady work.",
            "He had arrived in the South in 2012 and lived alone in a rented room near the port, police said.",
            "Police said he had not been drinking, and that he would be questioned over the theft of the truck.",
        ]
    )
    article, _ = clean_dump(dump)
    assert article.title == "Police stop defector driving a stolen truck toward the border"
    assert article.body[0].startswith("Police detained a North Korean defector")
    assert len(article.body) == 4
