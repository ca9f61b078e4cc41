from lxml import html

from rumourcrawl.extract.promo import remove_promo_lines, remove_promos_from_html


def _paragraphs(markup: str) -> list[str]:
    tree = html.fromstring(remove_promos_from_html(f"<html><body><div>{markup}</div></body></html>"))
    return [" ".join(p.text_content().split()) for p in tree.iter("p", "h3", "li")]


def test_inline_promo_with_link_is_removed():
    kept = _paragraphs(
        '<p>Arsenal want a striker.</p><p><strong>READ:</strong> <a href="/x">Ten things we learned</a></p>'
        '<p>MAILBOX: <a href="/m">Chelsea labelled pathetic</a></p>'
    )
    assert kept == ["Arsenal want a striker."]


def test_unknown_uppercase_label_counts_only_when_the_rest_is_a_link():
    kept = _paragraphs(
        '<p>EXCLUSIVE: <a href="/e">Spurs close in on winger</a></p>'
        "<p>EXCL: Southampton submit formal bid to sign the winger on loan.</p>"
    )
    assert kept == ["EXCL: Southampton submit formal bid to sign the winger on loan."]


def test_quote_paragraphs_that_start_with_a_name_and_colon_survive():
    paragraphs = [
        'Arteta: "We must be ready for every game."',
        "Slot: we want to add quality, and <a href='/p'>the club</a> agree.",
        "Transfer news: Arsenal are closing in on a deal for the Brentford striker, sources say.",
    ]
    kept = _paragraphs("".join(f"<p>{p}</p>" for p in paragraphs))
    assert kept == [html.fromstring(p).text_content() for p in paragraphs]


def test_lowercase_label_sentence_with_link_in_it_is_kept():
    # A real sentence that happens to hold a link is not a promo: its label is not upper case.
    kept = _paragraphs('<p>Watch out: <a href="/v">Haaland</a> is hungry, says the City boss in a long interview.</p>')
    assert len(kept) == 1


def test_read_more_box_heading_takes_its_links_with_it():
    kept = _paragraphs(
        "<p>First paragraph of the match report.</p>"
        '<div class="box"><h3>Read More</h3><div><a href="/a"><p>Player ratings</p></a></div></div>'
        "<p>Second paragraph.</p>"
    )
    assert kept == ["First paragraph of the match report.", "Second paragraph."]


def test_site_rules_add_labels_and_selectors():
    markup = (
        '<p>Body text.</p><p>F365 Says: <a href="/x">Why Arsenal will win</a></p>'
        '<div class="ad-slot"><p>Bet now</p></div>'
    )
    tree = html.fromstring(
        remove_promos_from_html(
            f"<html><body>{markup}</body></html>", extra_labels=["F365 SAYS"], drop_selectors=["div.ad-slot"]
        )
    )
    assert [p.text_content() for p in tree.iter("p")] == ["Body text."]


def test_plain_text_promo_lines():
    text = "\n".join(
        [
            "Real Madrid want Haaland.",
            "READ: Ranking £138.4m worth of January signings",
            "ALSO READ: Ten things",
            "Read More",
            "Arteta: we must be ready.",
            "Watch: the goal was brilliant and the crowd knew it.",
        ]
    )
    assert remove_promo_lines(text).split("\n") == [
        "Real Madrid want Haaland.",
        "Arteta: we must be ready.",
        "Watch: the goal was brilliant and the crowd knew it.",
    ]


def test_news_with_an_upper_case_label_and_a_link_is_kept():
    kept = _paragraphs(
        '<p>BREAKING: <a href="/b">Man Utd complete the signing of Carlos Baleba from Brighton</a></p>'
        '<p>UPDATE: <a href="/u">Chelsea have now agreed a £60m fee with Juventus</a></p>'
        '<ul><li>PSG: <a href="/p">Ousmane Dembele</a></li></ul>'
        '<p>OFFICIAL: <a href="/o">Spurs confirm the loan of Giuliano Simeone</a></p>'
    )
    assert len(kept) == 4
