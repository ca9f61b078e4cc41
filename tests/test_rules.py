"""The rule engine (rules.py), which proposes candidates and their facts to the model: invented
sentences that pin down what each rule reads. The rows the user sees come from the model (test_rumours.py)."""

from __future__ import annotations

from pathlib import Path

from rumourcrawl.extract.rumours.labelled import read_article
from rumourcrawl.extract.rumours.rules import extract_rumours as rule_rumours

DEV_DIR = Path(__file__).parent / "eval" / "dev"


def test_short_post_here_we_go():
    rows = rule_rumours("Tomas Varga to Fiorentina, here we go! Deal agreed with PSG.")
    assert len(rows) == 1
    row = rows[0]
    assert row.subject == "Tomas Varga"
    assert (row.from_club, row.to_club, row.stage) == ("Paris Saint-Germain", "Fiorentina", "agreed")


def test_short_post_loan_bid_from_selling_club():
    rows = rule_rumours("EXCL: Southampton submit formal bid to sign Milo Brandt on loan from Strasbourg.")
    assert len(rows) == 1
    row = rows[0]
    assert row.subject == "Milo Brandt"
    assert (row.from_club, row.to_club) == ("Strasbourg", "Southampton")
    assert (row.kind, row.stage) == ("loan", "bid")


def test_euro_fee_and_option_to_buy_are_normalised():
    rows = rule_rumours(
        "Napoli have agreed a loan deal for Ajax winger Pieter Dekker with an option to buy for €30 million."
    )
    assert len(rows) == 1
    row = rows[0]
    assert row.to_club == "Napoli" and row.from_club == "Ajax"
    assert row.kind == "loan" and row.stage == "agreed"
    assert (row.fee_amount, row.fee_currency) == (30_000_000, "EUR")
    assert row.extra.get("option_to_buy") is True


def test_surname_resolves_to_full_name_and_manager_role():
    text = (
        "Everton boss Harold Finch is the leading candidate to take over at Celtic. "
        "Celtic have held talks with Finch, according to The Sun."
    )
    rows = rule_rumours(text)
    finch = [r for r in rows if r.to_club == "Celtic"]
    assert len(finch) == 1
    assert finch[0].subject == "Harold Finch"
    assert finch[0].subject_role == "manager"
    assert finch[0].kind == "appointment"
    assert finch[0].stage == "talks"
    assert finch[0].source == "The Sun" and finch[0].source_tier == 3


def test_negation_gives_denied():
    text = "Arsenal striker Tom Kettle is wanted by Juventus. But Arsenal say no bid has been made for Kettle."
    rows = rule_rumours(text)
    assert any(r.subject == "Tom Kettle" and r.to_club == "Juventus" and r.stage == "interest" for r in rows)
    assert any(r.subject == "Tom Kettle" and r.stage == "denied" for r in rows)


def test_race_of_several_clubs_gives_one_row_each():
    rows = rule_rumours("Leeds midfielder Oscar Pell is being chased by the Gunners, Spurs and the Toffees.")
    assert {r.to_club for r in rows} == {"Arsenal", "Tottenham Hotspur", "Everton"}
    assert all(r.stage == "interest" and r.from_club == "Leeds United" for r in rows)


def test_background_link_is_not_a_live_claim():
    rows = rule_rumours("Sam Lowe, who has already been linked with Man City, scored twice on Saturday.")
    assert all(r.historical for r in rows)


def test_match_report_gives_no_rows():
    text = "Chelsea beat Arsenal 2-0 at Stamford Bridge on Sunday. John Doe scored twice against Arsenal."
    assert rule_rumours(text) == []


def test_dismissed_reports_give_the_reported_claim_and_the_denial():
    rows = rule_rumours(
        "Everton boss David Moyes has dismissed reports that midfielder Kevin Lacey is set to join Portsmouth."
    )
    by_stage = {r.stage: r for r in rows if r.to_club == "Portsmouth"}
    assert by_stage["agreed"].source == "reports"
    assert by_stage["denied"].source == "David Moyes"
    assert by_stage["denied"].from_club == "Everton"
    # Without a role noun to say who is the manager, the one who dismisses the reports is still no mover.
    rows = rule_rumours("Mikel Arteta has dismissed reports that Arsenal are in talks to sign Victor Osimhen.")
    assert {(r.subject, r.to_club, r.stage, r.source) for r in rows} == {
        ("Victor Osimhen", "Arsenal", "talks", "reports"),
        ("Victor Osimhen", "Arsenal", "denied", "Mikel Arteta"),
    }


def test_club_named_only_by_context():
    rows = rule_rumours("Mexican outfit Red Sharks Veracruz have expressed an interest in Celtic midfielder Juninho.")
    assert [(r.subject, r.from_club, r.to_club, r.stage) for r in rows] == [
        ("Juninho", "Celtic", "Red Sharks Veracruz", "interest")
    ]


def test_club_anaphor_by_country():
    text = (
        "Celtic midfielder Tom Reid has been watched by Manchester City scouts. His agent said no approach had "
        "been made but that the English club had earmarked him as a possible target."
    )
    rows = rule_rumours(text)
    assert any(r.to_club == "Manchester City" and r.subject == "Tom Reid" for r in rows)


def test_agreement_between_buyer_and_seller():
    rows = rule_rumours("Agreement reached between Brighton and Ajax for Jorrit Smeets, here we go!")
    assert [(r.from_club, r.to_club, r.stage) for r in rows] == [("Ajax", "Brighton & Hove Albion", "agreed")]


def test_boss_buys_for_his_club_and_possessive_names_the_seller():
    rows = rule_rumours("Chelsea boss Jose Mourinho wants to sign Lyon midfielder Michael Essien.")
    assert [(r.subject, r.from_club, r.to_club) for r in rows] == [("Michael Essien", "Lyon", "Chelsea")]
    rows = rule_rumours("Charlton have completed the loan signing of Chelsea's Carlton Cole.")
    assert [(r.from_club, r.to_club, r.kind, r.stage) for r in rows] == [
        ("Chelsea", "Charlton Athletic", "loan", "done")
    ]


def test_intended_bid_is_interest_and_rejected_bid_is_bid():
    rows = rule_rumours("Napoli are preparing an official bid for Marco Pellegri.")
    assert [r.stage for r in rows] == ["interest"]
    rows = rule_rumours("Wolves have rejected a second bid from Fenerbahce for Ryan Tait.")
    assert [(r.from_club, r.stage) for r in rows] == [("Wolverhampton Wanderers", "bid")]
    rows = rule_rumours("Liverpool are weighing up a bid for Marc Guehi.")
    assert [r.stage for r in rows] == ["interest"]


def test_cue_gate_never_hides_a_stage_cue():
    from rumourcrawl.extract.rumour_text import segment
    from rumourcrawl.extract.rumours.rules import COMPILED_STAGE_CUES, STAGE_GATES, cue_word_keys

    # .txt only: extract_article() deduplicates (trafilatura deduplicate=True), so one HTML page read
    # many times in a process comes back empty.
    folders = (DEV_DIR, DEV_DIR.parent / "extra", DEV_DIR.parent / "train")
    texts = [read_article(p)[0] for folder in folders for p in sorted(folder.glob("*.txt"))]
    texts.append("No one from Chelsea has called. Talks fell through; the bid was rejected and he's staying put.")
    texts.append(
        "His move is off after he failed his medical; he won’t leave, is going nowhere, and Spurs weigh up a bid."
    )
    for text in texts:
        for sentence in segment(text):
            lowered = sentence.text.lower()
            keys = cue_word_keys(lowered)
            for stage, pattern in COMPILED_STAGE_CUES:
                if pattern.search(lowered):
                    assert not STAGE_GATES[stage].isdisjoint(keys), (stage, sentence.text)


def test_a_bid_still_being_prepared_does_not_make_a_later_bid_interest():
    # Each cue is read on its own: the first bid's "preparing" once carried over to every later bid of
    # the sentence.
    from rumourcrawl.extract.rumours.rules import ArticleAnalyser

    analyser = ArticleAnalyser("", None, None, None)
    text = "Arsenal are preparing a bid for Declan Rice, while over in Spain Real Madrid have submitted a bid for him."
    stages = [(stage, text[start:end]) for stage, start, end, _ in analyser._stage_cues(text)]
    assert stages[0] == ("interest", "bid")
    assert stages[-1] == ("bid", "bid")


def test_a_bid_being_readied_is_interest_and_already_is_no_intention():
    # Real sentences. "readying a bid" (news067) and "preparing a £53m (€60m) offer" (news003, the brackets
    # hid the intention) are bids not yet made; "City have already approached the player's camp" (news037)
    # was demoted to interest because "already" ends in "ready".
    from rumourcrawl.extract.rumours.rules import ArticleAnalyser

    analyser = ArticleAnalyser("", None, None, None)

    def stages(text):
        return [stage for stage, *_ in analyser._stage_cues(text)]

    assert stages(
        "Now, Fichajes have reported that City are readying a bid of £84m for Barcelona superstar Raphinha."
    ) == ["interest"]
    assert stages("Now there are claims United are preparing a £53m (€60m) offer for the 24-year-old.") == ["interest"]
    assert "talks" in stages("City have already approached the player's camp, while PSG are also contemplating a move.")
    # "keen and in talks" (mp180): "an" of "and" was read as an article after "keen", so the talks were intended.
    assert stages("Chelsea only consider straight loan with Borussia Dortmund keen and in talks.") == [
        "interest",
        "talks",
    ]
    # "Spurs also had direct meeting with Bayern" (mp122) is talks.
    assert stages("Spurs also had direct meeting with Bayern to guarantee €60m fee in case Tel decides to accept.") == [
        "talks"
    ]


def test_securing_a_player_and_a_move_made_with_his_signing_are_done():
    # "Newcastle also made a move for the future with the signing of 18-year-old Manchester City midfielder
    # Harrison" (news077, a real article; his full name here) and "Liverpool ... have made a major statement
    # by securing Florian Wirtz from Bayer Leverkusen" (news062, without its aside between dashes) gave no claim.
    def moves(text):
        return [(r.subject, r.to_club, r.stage) for r in rule_rumours(text)]

    assert ("Alfie Harrison", "Newcastle United", "done") in moves(
        "Newcastle also made a move for the future with the signing of 18-year-old Manchester City midfielder "
        "Alfie Harrison for an undisclosed fee."
    )
    assert ("Florian Wirtz", "Liverpool", "done") in moves(
        "Liverpool have made a major statement by securing Florian Wirtz from Bayer Leverkusen in a blockbuster move."
    )


def test_returned_to_beaten_to_the_signing_and_to_become_head_coach():
    # "has returned to", "have beaten X to the signing of" (news062: "They have also beaten Arsenal to the
    # signing of ... Sverre Nypan from Rosenborg") and "to become X head coach" had no claim.
    def moves(text):
        return [(r.subject, r.to_club, r.stage) for r in rule_rumours(text)]

    assert moves("Jadon Sancho has returned to Chelsea on loan.") == [("Jadon Sancho", "Chelsea", "done")]
    assert moves("Sunderland have beaten Leeds to the signing of Habib Diarra.") == [
        ("Habib Diarra", "Sunderland", "done")
    ]
    assert moves("Erik ten Hag is in talks to become Bayer Leverkusen head coach.") == [
        ("Erik ten Hag", "Bayer Leverkusen", "talks")
    ]
    # Trying to beat a rival is no signing (a real article, news006).
    tried = (
        "Man City have made contact as they try to beat United to the signing of Nottingham Forest ace Elliot Anderson."
    )
    assert all(stage != "done" for *_, stage in moves(tried))
    # ...and "have made contact" is talks (the sentence gave no claim at all).
    assert ("Elliot Anderson", "Manchester City", "talks") in moves(tried)


def test_sounded_out_and_quoted_are_talks():
    assert [
        (r.subject, r.to_club, r.stage) for r in rule_rumours("Real Madrid have sounded out Trent Alexander-Arnold.")
    ] == [("Trent Alexander-Arnold", "Real Madrid", "talks")]
    assert [(r.to_club, r.stage) for r in rule_rumours("Arsenal have been quoted £100m for Alexander Isak.")] == [
        ("Arsenal", "talks")
    ]


def test_a_club_that_announced_a_player_is_his_buyer_not_his_club():
    assert [
        (r.subject, r.to_club, r.stage) for r in rule_rumours("Wolves announced the arrival of defender Nasser Djiga.")
    ] == [("Nasser Djiga", "Wolverhampton Wanderers", "done")]


def test_a_transfer_list_ends_where_its_lines_end():
    # Invented, in the "Name (Club) fee" style of done-deal lists: the fee and a loan are read, and a line in the
    # same shape after the prose that ends the list is no move.
    text = (
        "Everton done deals\n\nArrivals\n\nJack Grealish (Manchester City) loan\n\nMark Travers (Bournemouth) £4m\n\n"
        "Everton fans will hope Grealish finds his form again at Goodison Park.\n\n"
        "Seamus Coleman (Everton) will captain the side."
    )
    rows = {(r.subject, r.to_club, r.from_club, r.kind, r.fee) for r in rule_rumours(text)}
    assert ("Jack Grealish", "Everton", "Manchester City", "loan", None) in rows
    assert ("Mark Travers", "Everton", "Bournemouth", "transfer", "£4m") in rows
    assert not any(subject == "Seamus Coleman" for subject, *_ in rows)


def test_a_club_that_agreed_to_loan_a_player_out_is_his_club():
    rows = rule_rumours(
        "Chelsea have agreed to loan Carney Chukwuemeka to Borussia Dortmund for the rest of the season."
    )
    assert [(r.subject, r.from_club, r.to_club, r.kind) for r in rows] == [
        ("Carney Chukwuemeka", "Chelsea", "Borussia Dortmund", "loan")
    ]


def test_will_not_leave_and_going_nowhere_are_stays_a_party_confirms():
    # GUIDE: a stay ("not for sale", "wants to stay") has its club as both from and to; these share its cues.
    for sentence in (
        "Marcus Rashford won’t leave Manchester United this summer.",
        "Newcastle insist Alexander Isak is going nowhere.",
    ):
        (row,) = rule_rumours(sentence)
        assert (row.kind, row.stage) == ("stay", "denied")
        assert row.from_club == row.to_club and row.to_club is not None


def test_a_deal_that_is_off_or_a_failed_medical_is_collapsed():
    for sentence in (
        "Brighton's deal for Matt O'Riley is off after the midfielder failed his medical.",
        "Garry Riordan has failed a medical at Norwich City.",
    ):
        assert [r.stage for r in rule_rumours(sentence)] == ["collapsed"]
    # "off the agenda" is not a deal called off, nor is "off the table" a second cue for it
    assert not any(
        r.stage == "collapsed"
        for r in rule_rumours("If a move for Harry Kane is off the agenda, Chelsea must look elsewhere.")
    )


def test_sources_close_to_a_club_are_no_deal_close_to_done():
    assert [r.stage for r in rule_rumours("Sources close to Real Madrid say they will bid for Rodri.")] == ["interest"]
    assert [r.stage for r in rule_rumours("Chelsea are close to signing Joao Pedro.")] == ["agreed"]


def test_a_club_that_has_received_no_offer_is_the_seller_and_its_denial_is_general():
    # GUIDE: "no bids have been received for him" is an exit-shaped denial, no move to the club that says it.
    rows = rule_rumours("Newcastle have not received any offers for Alexander Isak, Eddie Howe said.")
    assert [(r.subject, r.from_club, r.to_club, r.kind, r.stage) for r in rows] == [
        ("Alexander Isak", "Newcastle United", None, "exit", "denied")
    ]


def test_an_agreement_already_in_force_is_no_deal_agreed():
    # The demo's Rashford page: the option "in the forward's loan agreement" had made Barcelona's new talks
    # an agreed loan (news082's "despite an existing agreement" was the same reading).
    page = (
        "Barcelona open talks with Man Utd over permanent Marcus Rashford deal\n\n"
        "The Catalan club want to lower the €30m option in the forward's loan agreement.\n\n"
        "Barcelona have opened talks with Manchester United over making Marcus Rashford's move permanent."
    )
    assert [(r.subject, r.to_club, r.stage, r.kind) for r in rule_rumours(page)] == [
        ("Marcus Rashford", "Barcelona", "talks", "transfer")
    ]
    for existing in ("his loan agreement", "the current agreement", "their existing loan agreement"):
        rows = rule_rumours(f"Barcelona want to change {existing} with Manchester United for Marcus Rashford.")
        assert [r.stage for r in rows] == ["interest"]
    assert rule_rumours("Barcelona have reached an agreement with Manchester United for Marcus Rashford.")[0].stage == (
        "agreed"
    )


def test_the_source_of_a_denial_is_the_denier_never_the_player_it_names():
    # GUIDE: a denial's source is the denier. The player named in "X is not for sale" or "signing X" had
    # been taken for the one speaking (news037: "Newcastle are adamant Isak is not for sale").
    for sentence, denier in (
        ("Newcastle have told Liverpool that Alexander Isak is not for sale.", "Newcastle United"),
        (
            "Manchester United are not interested in signing Victor Osimhen, sources have told ESPN.",
            "Manchester United",
        ),
        ("Palace are understood to value Adam Wharton at £70m and have no intention of selling.", "Crystal Palace"),
    ):
        denials = [r for r in rule_rumours(sentence) if r.stage == "denied"]
        assert denials and {r.source for r in denials} == {denier}
    # A player who plays reports down himself is still the denier.
    assert {
        r.source
        for r in rule_rumours("Jose Antonio Reyes has moved to play down reports linking him with Real Madrid.")
    } == {"Jose Antonio Reyes"}
    text, title, *_ = read_article(Path(__file__).parent / "eval" / "train" / "news037.txt")
    isak = [
        r for r in rule_rumours(f"{title}\n\n{text}", title=title) if r.subject == "Alexander Isak" and r.kind == "stay"
    ]
    assert isak and {r.source for r in isak} == {"Newcastle United"}


def test_a_club_named_after_its_words_is_the_speaker_not_a_destination():
    # A GUIDE-shaped probe: ", Arsenal said." had made Arsenal a second destination of Rice's denied move.
    rows = rule_rumours("There is no truth in reports linking Declan Rice with Real Madrid, Arsenal said.")
    assert [(r.to_club, r.stage, r.source) for r in rows] == [("Real Madrid", "denied", "Arsenal")]
    # Not at the end of the sentence, or with no comma before it, the club can still be the buyer.
    assert [r.to_club for r in rule_rumours("Arsenal said they want to sign Declan Rice.")] == ["Arsenal"]


def test_a_named_source_that_reports_is_the_source_not_reports():
    # "X reports that" is X's verb; it had read as the noun, the generic source "reports" (news012: "but the
    # Athletic report that the club have made numerous offers").
    rows = rule_rumours(
        "Fabrizio Romano reports that Bayern Munich have opened talks with Stuttgart over Nick Woltemade."
    )
    assert [(r.to_club, r.source) for r in rows] == [("Bayern Munich", "Fabrizio Romano")]
    assert [
        r.source for r in rule_rumours("Recent reports say Bayern Munich have opened talks over Nick Woltemade.")
    ] == ["reports"]
    text, title, *_ = read_article(Path(__file__).parent / "eval" / "train" / "news012.txt")
    rows = rule_rumours(f"{title}\n\n{text}", title=title)
    assert {r.source for r in rows if "the Athletic report that" in r.evidence} == {"The Athletic"}


def test_a_players_teammate_is_the_one_named_after_him():
    rows = rule_rumours(
        "Everton boss David Moyes wants to bring Jarrad Branthwaite's teammate Dwight McNeil back to the club."
    )
    assert "Jarrad Branthwaite" not in {r.subject for r in rows}


def test_saying_no_or_yes_to_a_club_is_an_answer_not_speech():
    # mp022's "as Pecsi said yes to Liverpool project" had counted as Pecsi speaking; one who only speaks
    # is no mover, so "X said no to Chelsea" lost its row.
    rows = rule_rumours("Kenan Yildiz said no to Chelsea as he wants to stay at Juventus.")
    assert [(r.subject, r.to_club, r.stage) for r in rows] == [("Kenan Yildiz", "Chelsea", "denied")]


def test_a_club_with_no_plans_to_sell_is_the_seller_and_the_denier():
    # GUIDE: a general denial is an exit-shaped row, its source the denier. "Liverpool have no plans to sell
    # Mohamed Salah" had sent Salah to Liverpool (news022's "Milan had no interest" had no source).
    rows = rule_rumours("Liverpool have no plans to sell Mohamed Salah.")
    assert [(r.from_club, r.to_club, r.kind, r.stage, r.source) for r in rows] == [
        ("Liverpool", None, "exit", "denied", "Liverpool")
    ]
    assert [r.from_club for r in rule_rumours("Liverpool have no intention of selling Mohamed Salah to Al-Hilal.")] == [
        "Liverpool"
    ]


def test_the_club_a_player_leaves_is_no_buyer_of_his():
    # "leave the club" is the club named before it: the one he leaves, not one he joins.
    for sentence in (
        "Liverpool have confirmed that Trent Alexander-Arnold will leave the club this summer.",
        "Liverpool boss Arne Slot confirmed that Trent Alexander-Arnold will leave the club this summer.",
    ):
        rows = [r for r in rule_rumours(sentence) if r.subject == "Trent Alexander-Arnold"]
        assert [(r.from_club, r.to_club, r.kind) for r in rows] == [("Liverpool", None, "exit")]
    # Real texts: mp145 ("Barcelona's 2006 born talent will leave the club") names his club; news011's
    # "Villa's current options ... close to leaving the Premier League club" no longer sends both to Villa.
    for name, subject, club in (("mp145.txt", "Pau Prim", "Barcelona"), ("news011.txt", "Lucas Digne", "Aston Villa")):
        text, title, *_ = read_article(Path(__file__).parent / "eval" / "train" / name)
        rows = [r for r in rule_rumours(f"{title}\n\n{text}", title=title) if r.subject == subject]
        assert rows and all(r.from_club == club and r.to_club != club for r in rows)


def test_talks_over_a_vacant_coaching_job_make_a_coach():
    for sentence, club in (
        ("Chelsea are in talks with Oliver Glasner over the vacant head coach role.", "Chelsea"),
        ("Tottenham have held talks with Thomas Frank about the manager's job.", "Tottenham Hotspur"),
    ):
        rows = rule_rumours(sentence)
        assert [(r.subject_role, r.to_club, r.kind, r.stage) for r in rows] == [
            ("manager", club, "appointment", "talks")
        ]


def test_a_player_who_tells_his_club_he_wants_to_leave_is_the_mover_and_it_his_seller():
    # Telling one's club of one's own wish is no pundit's speech; the club told is the one he leaves.
    rows = rule_rumours("Ademola Lookman has told Atalanta he wants to leave.")
    assert [(r.subject, r.from_club, r.to_club, r.kind) for r in rows] == [
        ("Ademola Lookman", "Atalanta", None, "exit")
    ]
    # With a destination in the same sentence, the exit is folded into that move, its club the seller
    # (also bbc-sport-102: "linked with a move away from Liverpool, with Chelsea the favourites").
    rows = rule_rumours("Ademola Lookman has told Atalanta he wants to leave; Inter remain keen.")
    assert [(r.from_club, r.to_club) for r in rows] == [("Atalanta", "Inter Milan")]
    text, title, *_ = read_article(DEV_DIR / "bbc-sport-102.txt")
    gerrard = [r for r in rule_rumours(f"{title}\n\n{text}", title=title) if r.to_club == "Chelsea"]
    assert gerrard and {r.from_club for r in gerrard if "move away from Liverpool" in r.evidence} == {"Liverpool"}


def _assert_rule_rows(cases: dict[str, list[tuple]]) -> None:
    """Each sentence's rule rows, as (subject, from, to, kind, stage), are exactly those given."""
    for sentence, expected in cases.items():
        rows = rule_rumours(sentence)
        assert [(r.subject, r.from_club, r.to_club, r.kind, r.stage) for r in rows] == expected, sentence


def _rule_rows_of(name: str, subject: str):
    text, title, *_ = read_article(Path(__file__).parent / "eval" / "train" / name)
    return [r for r in rule_rumours(f"{title}\n\n{text}", title=title) if r.subject == subject]


def test_an_aside_between_dashes_does_not_cut_the_subject_from_its_verb():
    # news062: "Liverpool — the reigning Premier League champions — have made a major statement by securing
    # Florian Wirtz from Bayer Leverkusen"; bbc-sport-210: "'The new Maradona' - Carlos Tevez - is joining".
    wirtz = _rule_rows_of("news062.txt", "Florian Wirtz")
    assert ("Bayer Leverkusen", "Liverpool", "done") in {(r.from_club, r.to_club, r.stage) for r in wirtz}
    assert {r.to_club for r in _rule_rows_of("bbc-sport-210.txt", "Carlos Tevez")} >= {"Corinthians SP"}
    # A relative clause between dashes is its own clause: "who" does not hand its verb to the name before.
    rows = rule_rumours(
        "Sandro Tonali will return from his ban next season, Joelinton - who can also play in attack - has just "
        "signed a new four-year deal."
    )
    assert [r for r in rows if r.subject == "Sandro Tonali"] == []


def test_joining_is_agreed_and_completing_a_season_is_no_transfer():
    rows = rule_rumours("Carlos Tevez is joining Corinthians for nearly $20m.")
    assert [(r.to_club, r.stage) for r in rows] == [("Corinthians SP", "agreed")]
    rows = rule_rumours("Having completed his first full season with Leeds United, Archie Gray has stayed put.")
    assert all(r.stage != "done" or r.kind == "stay" for r in rows)
    rows = rule_rumours("Archie Gray completed a season-long loan move to Leeds United.")
    assert [(r.to_club, r.kind, r.stage) for r in rows] == [("Leeds United", "loan", "done")]


def test_a_league_before_a_club_describes_it():
    # "Premier League giants Tottenham Hotspur", "Ligue 1 side Stade Reims", "Saudi Arabian club Al-Hilal".
    rows = rule_rumours("Archie Gray has joined Premier League club Tottenham.")
    assert [(r.to_club, r.stage) for r in rows] == [("Tottenham Hotspur", "done")]
    assert {r.to_club for r in _rule_rows_of("news042.txt", "Archie Gray")} >= {"Tottenham Hotspur"}
    # news082: "accepted a lucrative offer from Saudi Arabian club Al-Hilal": the bidder is the destination.
    assert {r.to_club for r in _rule_rows_of("news082.txt", "Lionel Messi")} == {"Al-Hilal"}
    # news010: "nearing the end of his contract with Serie A giants Juventus": his club, not his destination.
    rabiot = _rule_rows_of("news010.txt", "Adrien Rabiot")
    assert rabiot and all(r.to_club != "Juventus" or r.kind == "stay" for r in rabiot)
    assert {r.from_club for r in rabiot if r.to_club == "Manchester United"} == {"Juventus"}
    # news071: "a successful loan spell with Ligue 1 side Stade Reims last season": where he was.
    assert all(r.to_club != "Stade de Reims" for r in _rule_rows_of("news071.txt", "Folarin Balogun"))


def test_bought_and_after_moving_are_done_and_years_ago_is_history():
    rows = rule_rumours("Chelsea bought Naomi Girma from Angel City for £900,000 last week.")
    assert [(r.subject, r.to_club, r.stage) for r in rows] == [("Naomi Girma", "Chelsea", "done")]
    assert rule_rumours("Todd Boehly bought the club in May 2022.") == []
    # news050: "Evan Ferguson was reunited with ... Graham Potter after moving on loan to West Ham".
    ferguson = _rule_rows_of("news050.txt", "Evan Ferguson")
    assert {(r.to_club, r.kind, r.stage) for r in ferguson} >= {("West Ham United", "loan", "done")}
    # news088: "a player they bought from Fulham for $10 million two years ago": background.
    carvalho = [r for r in _rule_rows_of("news088.txt", "Fabio Carvalho") if r.to_club == "Liverpool"]
    assert carvalho and all(r.historical for r in carvalho)


def test_coaching_appointments_and_departures_read_as_the_press_writes_them():
    cases = {
        "West Ham have sacked Julen Lopetegui and appointed Graham Potter as head coach.": [
            ("Julen Lopetegui", "West Ham United", None, "exit", "done"),
            ("Graham Potter", None, "West Ham United", "appointment", "done"),
        ],
        "Brighton have confirmed the departure of head coach Roberto De Zerbi.": [
            ("Roberto De Zerbi", "Brighton & Hove Albion", None, "exit", "done")
        ],
        "Thomas Frank has been named Tottenham head coach after leaving Brentford.": [
            ("Thomas Frank", None, "Tottenham Hotspur", "appointment", "done")
        ],
        "Rangers are set to appoint Russell Martin as their new manager.": [
            ("Russell Martin", None, "Rangers", "appointment", "agreed")
        ],
    }
    _assert_rule_rows(cases)
    # news027: "one step closer to finally sealing the permanent departure of Marcus Rashford": United's exit.
    rashford = _rule_rows_of("news027.txt", "Marcus Rashford")
    assert "Manchester United" not in {r.to_club for r in rashford}
    assert ("Manchester United", None) in {(r.from_club, r.to_club) for r in rashford}


def test_a_bid_rejected_by_a_club_names_the_seller_and_a_league_word_is_no_name():
    rows = rule_rumours("Manchester United have had a £40m bid for Bryan Mbeumo rejected by Brentford.")
    assert [(r.from_club, r.to_club, r.stage) for r in rows] == [("Brentford", "Manchester United", "bid")]
    # mp107, mp163: "Saudi Pro League clubs" had made "Pro" the mover.
    rows = rule_rumours("Saudi Pro League club Al-Ittihad have made an offer for Mohamed Salah.")
    assert [r.subject for r in rows] == ["Mohamed Salah"]
    assert _rule_rows_of("mp163.txt", "Pro") == [] and _rule_rows_of("mp163.txt", "Emi Martínez")


def test_eyeing_considering_a_move_and_parting_company_are_read():
    cases = {
        # "eyeing" had no key in the interest gate: the cue was never tried.
        "Juventus are reportedly eyeing Jadon Sancho.": [("Jadon Sancho", None, "Juventus", "transfer", "interest")],
        "Tottenham are considering a loan move for Manchester City's James McAtee.": [
            ("James McAtee", "Manchester City", "Tottenham Hotspur", "loan", "interest")
        ],
        "Leicester City have parted company with manager Ruud van Nistelrooy.": [
            ("Ruud van Nistelrooy", "Leicester City", None, "exit", "done")
        ],
    }
    _assert_rule_rows(cases)
    # An outlet's name is no person: "Sky Sports News understands Chelsea are close to agreeing a deal".
    from rumourcrawl.extract.rumours.candidates import read_text

    reading = read_text("Sky Sports News understands Chelsea are close to agreeing a deal for Jamie Gittens.")
    assert {c.person.name for c in reading.candidates} == {"Jamie Gittens"}


def test_who_urges_a_club_to_buy_or_signs_someone_is_no_mover():
    # news020: "Lineker has suggested Arsenal should pursue Alvarez" had sent Lineker to Arsenal.
    assert _rule_rows_of("news020.txt", "Gary Lineker") == []
    rows = rule_rumours("Mikel Arteta wants Arsenal to sign a new striker, with Viktor Gyokeres top of his list.")
    assert "Mikel Arteta" not in {r.subject for r in rows}
    rows = rule_rumours(
        "Gary Lineker has claimed it would be ‘game over’ for Arsenal’s Premier League title rivals if Mikel Arteta "
        "signed long-term transfer target Julian Alvarez."
    )
    assert {r.subject for r in rows} == {"Julian Alvarez"}
    # Signing for a club is a move of one's own.
    rows = rule_rumours("Erik ten Hag signed for Ajax as a player in 1989, and has now signed a new contract.")
    assert "Erik ten Hag" in {r.subject for r in rows}


def test_a_clause_triggered_is_done_and_the_transfer_list_is_an_exit():
    cases = {
        "Manchester City have triggered the release clause of Martin Zubimendi.": [
            ("Martin Zubimendi", None, "Manchester City", "transfer", "done")
        ],
        "Bayern Munich have activated their option to buy Joao Palhinha from Fulham.": [
            ("Joao Palhinha", "Fulham", "Bayern Munich", "transfer", "done")
        ],
        # The club that lists him is the one he would leave, not a buyer.
        "Chelsea have placed Raheem Sterling on the transfer list.": [
            ("Raheem Sterling", "Chelsea", None, "exit", "interest")
        ],
    }
    _assert_rule_rows(cases)


def test_short_post_phrasings_of_coaches_sellers_and_counterparties():
    cases = {
        "Nuno Espírito Santo will be the new West Ham head coach. Here we go!": [
            ("Nuno Espírito Santo", None, "West Ham United", "appointment", "agreed")
        ],
        "Graham Potter will be the next Chelsea manager.": [
            ("Graham Potter", None, "Chelsea", "appointment", "agreed")
        ],
        # The club where he is, the club a proposal goes to and the club one negotiates with all sell.
        "Arsenal and Chelsea both monitoring Morgan Rogers situation at Aston Villa.": [
            ("Morgan Rogers", "Aston Villa", "Chelsea", "transfer", "interest"),
            ("Morgan Rogers", "Aston Villa", "Arsenal", "transfer", "interest"),
        ],
        "Al Hilal want Victor Osimhen, proposal ready for Napoli.": [
            ("Victor Osimhen", "Napoli", "Al-Hilal", "transfer", "interest")
        ],
        "Tottenham are negotiating with Crystal Palace for Eberechi Eze, talks ongoing.": [
            ("Eberechi Eze", "Crystal Palace", "Tottenham Hotspur", "transfer", "talks")
        ],
    }
    _assert_rule_rows(cases)
    # A title in apposition makes a coach: "Nuno Espírito Santo, new West Ham head coach."
    from rumourcrawl.extract.rumours.candidates import read_text

    reading = read_text("Nuno Espírito Santo, new West Ham head coach. Here we go!")
    assert {c.person.role for c in reading.candidates} == {"manager"}


def test_refusing_to_sell_to_a_club_denies_that_move():
    rows = rule_rumours("Liverpool will not sell Steven Gerrard to Chelsea.")
    assert [(r.subject, r.to_club, r.kind, r.stage) for r in rows] == [
        ("Steven Gerrard", "Chelsea", "transfer", "denied")
    ]
    # A new contract with a club is still a stay there.
    rows = rule_rumours("Bukayo Saka has signed a new five-year contract with Arsenal.")
    assert [(r.from_club, r.to_club, r.kind) for r in rows] == [("Arsenal", "Arsenal", "stay")]


def test_yet_to_bid_is_interest_and_competition_from_a_club_makes_it_a_suitor():
    rows = rule_rumours("Chelsea are yet to make an offer for Alejandro Garnacho.")
    assert [(r.to_club, r.stage) for r in rows] == [("Chelsea", "interest")]
    # The club yet to receive an offer is the seller, and no suitor.
    assert all(
        r.to_club != "Manchester City"
        for r in rule_rumours("Manchester City are yet to receive an offer for Kalvin Phillips.")
    )
    # news006: "Carrick's side are likely to face competition from Newcastle United for the Portugal star".
    neves = _rule_rows_of("news006.txt", "Ruben Neves")
    assert ("Newcastle United", "interest") in {(r.to_club, r.stage) for r in neves}
    rows = rule_rumours("Liverpool face competition from Bayern Munich for Bournemouth defender Dean Huijsen.")
    assert ("Bayern Munich", "interest") in {(r.to_club, r.stage) for r in rows}


def test_a_comma_before_a_new_subject_and_its_verb_starts_a_new_clause():
    # news037: "..., Joelinton - who can also play in attack - has just signed a new four-year deal, Lewis Miley
    # and Elliot Anderson are both highly rated ...": the new deal was everyone's.
    for name in ("Lewis Miley", "Elliot Anderson", "Sean Longstaff", "Joe Willock"):
        assert _rule_rows_of("news037.txt", name) == [], name
    rows = rule_rumours("Arsenal have signed Noni Madueke for £50m, Kai Havertz is staying and Ben White is injured.")
    assert {r.subject for r in rows if r.to_club == "Arsenal" and r.kind == "transfer"} == {"Noni Madueke"}


def test_and_before_an_outlets_report_starts_a_new_clause():
    # news077: "Fulham are understood to be chasing a loan deal for Chelsea striker Armando Broja and PA
    # understands West Ham's Pablo Fornals has permission to discuss a £7million move to Real Betis".
    assert "Real Betis" not in {r.to_club for r in _rule_rows_of("news077.txt", "Armando Broja")}
    fornals = _rule_rows_of("news077.txt", "Pablo Fornals")
    assert {(r.to_club, r.kind) for r in fornals} == {("Real Betis", "transfer")}


def test_a_club_said_to_want_a_fee_is_the_seller():
    # news030: "... continuing their interest with the Reds said to want a fee between £25 and £30 million".
    assert "Liverpool" not in {r.to_club for r in _rule_rows_of("news030.txt", "Ben Doak")}
    rows = rule_rumours(
        "Brentford are said to want a fee of £60m for Bryan Mbeumo amid interest from Manchester United."
    )
    assert [(r.from_club, r.to_club) for r in rows] == [("Brentford", "Manchester United")]


def test_british_is_no_name():
    from rumourcrawl.extract.rumours.candidates import read_text

    reading = read_text("Florian Wirtz signs for Liverpool in British record deal")
    assert {c.person.name for c in reading.candidates} == {"Florian Wirtz"}


def test_the_one_a_club_sells_is_the_mover():
    # news048: "With the arrivals of Mudryk and Noni Madueke, the Blues are willing to sell Christian Pulisic for
    # around £30 million": the arrivals are not leaving; Pulisic is.
    assert {(r.from_club, r.to_club, r.kind) for r in _rule_rows_of("news048.txt", "Christian Pulisic")} == {
        ("Chelsea", None, "exit")
    }
    assert [r for r in _rule_rows_of("news048.txt", "Noni Madueke") if r.kind == "exit"] == []
    # news076: "Manchester City meanwhile are widely expected to let Kalvin Phillips leave the club".
    phillips = _rule_rows_of("news076.txt", "Kalvin Phillips")
    assert ("Manchester City", None, "exit", "speculation") in {
        (r.from_club, r.to_club, r.kind, r.stage) for r in phillips
    }


def test_a_club_that_puts_a_player_up_for_sale_sells_him():
    # news048: "Chelsea are also looking to make a change between the sticks, signing an undisputed No.1 which
    # would mean that Edouard Mendy is up for sale": an unnamed signing is no done deal, and Chelsea sell.
    mendy = _rule_rows_of("news048.txt", "Edouard Mendy")
    assert {(r.from_club, r.to_club, r.kind) for r in mendy} == {("Chelsea", None, "exit")}
    # news013: "Arsenal are likely to make a big sale in the summer ..., with both Leandro Trossard and Gabriel
    # Martinelli named as potential departures".
    for name in ("Leandro Trossard", "Gabriel Martinelli"):
        rows = _rule_rows_of("news013.txt", name)
        assert {(r.from_club, r.to_club, r.kind) for r in rows} == {("Arsenal", None, "exit")}, name


def test_a_new_deal_he_may_not_sign_is_no_stay():
    # news048: "Mason Mount is expected to leave in the summer if he doesn't sign a new deal".
    mount = _rule_rows_of("news048.txt", "Mason Mount")
    assert {(r.to_club, r.kind) for r in mount} == {(None, "exit")}
    stay = ("Declan Rice", "West Ham United", "West Ham United", "stay", "agreed")
    _assert_rule_rows(
        {
            "Declan Rice will sign a new deal with West Ham.": [stay],
            "Declan Rice is expected to leave West Ham if he doesn't sign a new deal.": [
                ("Declan Rice", "West Ham United", None, "exit", "agreed")
            ],
        }
    )


def test_they_after_a_sentence_about_a_club_is_that_club():
    # news062: "Chelsea are another side moving aggressively. Although they have not yet finalised a deal, they are
    # making a strong push to sign Jamie Bynoe-Gittens from Borussia Dortmund."
    gittens = _rule_rows_of("news062.txt", "Jamie Bynoe-Gittens")
    assert ("Borussia Dortmund", "Chelsea") in {(r.from_club, r.to_club) for r in gittens}
    # news055: "With Barcelona walking a financial tightrope, they have been looking to shift some of their fringe
    # players ... They are looking to bring in Joao Cancelo from Manchester City on an initial loan".
    cancelo = _rule_rows_of("news055.txt", "Joao Cancelo")
    assert ("Manchester City", "Barcelona", "loan") in {(r.from_club, r.to_club, r.kind) for r in cancelo}


def test_a_with_clause_names_the_players_linked_with_the_club_that_opens_the_sentence():
    # news078: "Chelsea could also bring more players in, with Manchester United winger Alejandro Garnacho and RB
    # Leipzig midfielder Xavi Simons among those linked."
    for name, seller in (("Alejandro Garnacho", "Manchester United"), ("Xavi Simons", "RB Leipzig")):
        assert (seller, "Chelsea") in {(r.from_club, r.to_club) for r in _rule_rows_of("news078.txt", name)}, name
    # news035: "Now, Tottenham are ready to mine the Vitality Stadium once again, with Sky Sports News revealing that
    # work has begun to sign Antoine Semenyo."
    assert "Tottenham Hotspur" in {r.to_club for r in _rule_rows_of("news035.txt", "Antoine Semenyo")}
    # Not a club the players already play for, nor when the with-clause is about leaving.
    rows = rule_rumours("Chelsea are busy, with Cole Palmer and Enzo Fernandez keen to leave.")
    assert "Chelsea" not in {r.to_club for r in rows}


def test_one_word_listed_with_a_full_name_is_a_person():
    # news098: "Several of the United players who spent last season on loan have been linked with moves away,
    # including Antony and Marcus Rashford."
    assert {(r.from_club, r.kind) for r in _rule_rows_of("news098.txt", "Antony")} == {("Manchester United", "exit")}
    from rumourcrawl.extract.rumours.candidates import read_text

    # news037: "the Premier League's Profit & Sustainability Rules (PSR)": no people.
    reading = read_text("Newcastle must stay within the Premier League's Profit & Sustainability Rules (PSR).")
    assert [c.person.name for c in reading.candidates] == []


def test_back_on_track_is_no_interest():
    # news037: "... De Bruyne ... Although qualification to next season's Champions League can't realistically be
    # attained, sixth-placed Newcastle are back on track for some form of European football next season."
    evidence = {r.evidence for r in _rule_rows_of("news037.txt", "Kevin De Bruyne")}
    assert not any("back on track" in e for e in evidence)
    _assert_rule_rows(
        {
            "Newcastle are tracking Kevin De Bruyne.": [
                ("Kevin De Bruyne", None, "Newcastle United", "transfer", "interest")
            ]
        }
    )


def test_a_national_sides_job_is_read_as_a_club():
    # mp033: "Carlo Ancelotti will be new Brazil head coach, plan confirmed and agreement done."
    # news073: "Carlo Ancelotti will become Brazil manager next summer ... his contract with current employer Real
    # Madrid".
    for name in ("mp033.txt", "news073.txt"):
        ancelotti = _rule_rows_of(name, "Carlo Ancelotti")
        assert ("Brazil", "appointment") in {(r.to_club, r.kind) for r in ancelotti if not r.historical}, name
    # A player's country is no club: "former Scotland midfielder Gordon Strachan".
    from rumourcrawl.extract.rumours.candidates import read_text

    reading = read_text("Former Scotland midfielder Gordon Strachan has joined Celtic.")
    assert {c.to_club for c in reading.candidates if c.rule_claims} == {"Celtic"}


def test_named_transfer_journalists_are_no_movers():
    # news063: "James Pearce dismisses reports of Real Madrid move for Trent in January"; news060: "'With
    # incomings, Manuel Ugarte is one serious target for Chelsea,' Jacobs said."
    assert _rule_rows_of("news063.txt", "James Pearce") == []
    assert _rule_rows_of("news060.txt", "Ben Jacobs") == []
