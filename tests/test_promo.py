from lxml import html

from rumourcrawl.extract.promo import remove_promo_lines, remove_promos_from_html, remove_promos_from_tree


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


def test_paragraph_that_is_only_a_bold_link_to_the_same_site_is_removed():
    markup = (
        "<p>Arsenal want a striker and have made contact with his agent this week.</p>"
        '<p><strong><a href="/sport/football/arsenal-ten-things-b123.html">Ten things we learned from '
        "Arsenal's win at Villa</a></strong></p>"
        '<p><a href="https://www.example.co.uk/sport/football/chelsea-keeper-b124.html">Chelsea line up a '
        "move for the Spain keeper</a></p>"
        '<p><b><a href="https://other.example/x">A link to another site stays where it is</a></b></p>'
        '<p>Slot said <a href="/p">the club</a> must add quality in January, whatever the price.</p>'
    )
    tree = html.fromstring(f"<html><body><div>{markup}</div></body></html>")
    remove_promos_from_tree(tree, base_url="https://www.example.co.uk/sport/football/story-b1.html")
    kept = [" ".join(p.text_content().split()) for p in tree.iter("p")]
    assert kept == [
        "Arsenal want a striker and have made contact with his agent this week.",
        "A link to another site stays where it is",
        "Slot said the club must add quality in January, whatever the price.",
    ]


def test_labels_with_a_leading_glyph_are_promos():
    kept = _paragraphs(
        "<p>The deal is close.</p>"
        '<p>► WATCH: <a href="/v">Haaland scores twice in five minutes against Spurs</a></p>'
        '<div class="box"><h3>▶ READ MORE</h3><div><a href="/a"><p>Player ratings from the Emirates</p></a></div></div>'
        '<div class="box"><h4>» RELATED</h4><ul><li><a href="/r">Arsenal in talks over striker</a></li></ul></div>'
        '<p>» MORE: <a href="/m">All the latest transfer news from the Premier League</a></p>'
        "<p>The fee is £60m.</p>"
    )
    assert kept == ["The deal is close.", "The fee is £60m."]


def test_social_embeds_captions_newsletters_and_betting_markup_are_removed():
    kept = _paragraphs(
        "<p>Real Madrid want Haaland.</p>"
        '<blockquote class="twitter-tweet"><p>Here we go! Haaland to Real Madrid.</p>'
        "— Fabrizio Romano (@FabrizioRomano) May 5, 2026</blockquote>"
        '<blockquote class="instagram-media"><p>View this post on Instagram</p></blockquote>'
        "<figure><img src='x.jpg'><figcaption><p>Haaland celebrates at the Etihad</p></figcaption></figure>"
        '<div class="newsletter"><p>Sign up to our football newsletter</p></div>'
        '<div class="betting-promo"><p>Get £30 in free bets when you bet £10</p></div>'
        "<p>City say he is not for sale.</p>"
    )
    assert kept == ["Real Madrid want Haaland.", "City say he is not for sale."]


def test_call_out_lines_in_extracted_text_are_removed():
    text = "\n".join(
        [
            "Arsenal have made an opening bid for the striker.",
            "14:05",
            "2.30pm BST",
            "Updated 12 minutes ago",
            "Image source, Getty Images",
            "Arteta wants a new forward (Image: Getty Images)",
            "— Fabrizio Romano (@FabrizioRomano) May 5, 2026",
            "Here we go! pic.twitter.com/abc123",
            "For the latest breaking news, sign up for our newsletters.",
            "Sign up to our free Football Daily newsletter",
            "Bet £10 get £30 in free bets. New customers only. 18+ BeGambleAware.org. T&Cs apply.",
            "For more stories like this, check our news page.",
            "Get in touch with our news team by emailing us at webnews@example.com.",
            "Scroll down for video",
            "Transfer news: Arsenal are closing in on a deal for the Brentford striker, sources say.",
            "Arteta: we want to sign him before the window shuts on Friday.",
            "The 18-year-old signed up for another two years at 14:05 on Friday, the club said.",
            "Chelsea must register the striker with Uefa by Friday and will post updates on the club website.",
            "Haaland has scored 18+ goals in each of his seasons in England.",
        ]
    )
    assert remove_promo_lines(text).split("\n") == [
        "Arsenal have made an opening bid for the striker.",
        "Transfer news: Arsenal are closing in on a deal for the Brentford striker, sources say.",
        "Arteta: we want to sign him before the window shuts on Friday.",
        "The 18-year-old signed up for another two years at 14:05 on Friday, the club said.",
        "Chelsea must register the striker with Uefa by Friday and will post updates on the club website.",
        "Haaland has scored 18+ goals in each of his seasons in England.",
    ]
