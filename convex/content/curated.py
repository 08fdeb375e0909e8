"""Notes for specific pairs people watch, written by hand. Each applies in either order.

`expected_sign` is the usual sign of the correlation of changes for the pair (+1, -1, or None
when it depends on the regime). The content compares it with the measured sign only when the
measured correlation is significant, so a note never overrides the data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import product
from types import MappingProxyType


@dataclass(frozen=True)
class CuratedNote:
    ids: frozenset[str]
    note: str
    divergence: str
    expected_sign: int | None = None


# (first group of ids, second group of ids, note, divergence, expected sign). One note covers
# every pairing of an id in the first group with an id in the second.
_NOTES: tuple[tuple[tuple[str, ...], tuple[str, ...], str, str, int | None], ...] = (
    (
        ("walcl",),
        ("tlt",),
        "For long bonds in particular, the Fed's purchases helped hold long yields down in 2009-14 and "
        "2020-21, and QT from 2022 added to the supply investors had to absorb. Weekly changes are a "
        "demanding test of that: long bonds reprice every day on inflation and rate expectations while the "
        "balance sheet moves in slow, pre-announced steps.",
        "2022 is the cautionary tale: the balance sheet was still near its peak while TLT lost about a third "
        "of its price, because inflation and rate hikes mattered more than the stock of bonds the Fed held.",
        None,
    ),
    (
        ("walcl",),
        ("spy", "spx"),
        "QE and the S&P 500: the balance sheet's expansions in 2009-14 and 2020-21 came with strong equity "
        "rallies, and the 2022 bear market began as the Fed ended QE and started QT. Both levels trended up "
        "for years, so the levels correlation flatters the link; weekly changes are the fairer test.",
        "Earnings and rate expectations drive stocks week to week; the balance sheet changes slowly and on "
        "a pre-announced schedule, so stocks rallied through much of QT in 2023-24.",
        None,
    ),
    (
        ("dgs10",),
        ("tlt",),
        "TLT holds Treasuries maturing in 20 years or more, with a duration of roughly 16-17 years: a "
        "1-point rise in its own yields costs it roughly that many percent. The 10-year yield is the nearest "
        "benchmark, so "
        "their changes move strongly in opposite directions.",
        "Curve moves: TLT follows the 20-30 year part of the curve, so a steepening or flattening between "
        "the 10-year and the long end opens a gap between them.",
        -1,
    ),
    (
        ("vix",),
        ("spy", "spx"),
        "The VIX is computed from S&P 500 option prices, so part of this link is built in: investors pay "
        "up for puts when the index falls, and realized volatility tends to rise in declines. Rule of "
        "thumb: the VIX divided by about 3.5 (the square root of 12) is the expected one-month move of "
        "the S&P 500 in percent.",
        "Rallies with rising volatility (call buying in a melt-up, hedging before elections or Fed meetings) "
        "and slow declines with a calm VIX break the pattern.",
        -1,
    ),
    (
        ("vxn",),
        ("qqq", "ixic"),
        "VXN is implied volatility on the Nasdaq-100, priced from its options: it rises when tech stocks "
        "fall, the Nasdaq version of VIX against the S&P 500.",
        "Single-stock events in the largest tech companies and call-driven rallies can lift VXN while the "
        "index rises.",
        -1,
    ),
    (
        ("bamlh0a0hym2",),
        ("spy", "spx"),
        "High-yield spreads price the default risk of leveraged companies; they widen when stocks fall and "
        "have widened ahead of major equity tops (2007, 2015). A stock rally that credit does not confirm is "
        "a warning people watch.",
        "A few mega-cap stocks can carry the S&P 500 while leveraged companies' credit weakens; and spreads "
        "have a floor, so they stop tightening late in rallies.",
        -1,
    ),
    (
        ("uup", "dxy", "dtwexbgs"),
        ("gld",),
        "Gold is priced in dollars and competes with dollar assets as a store of value, so a stronger dollar "
        "has usually meant weaker gold.",
        "Haven demand in a crisis can lift both, and central-bank gold buying since 2022 pushed gold to "
        "records through periods of dollar strength.",
        -1,
    ),
    (
        ("btc",),
        ("m2sl",),
        "Bitcoin as a bet on money supply: the 2020-21 surge in M2 and bitcoin's bull market coincided, and "
        "M2's first sustained decline in decades in 2022-23 came with the crypto winter. Monthly changes "
        "test that story more fairly than the chart of levels does.",
        "Halving cycles, ETF flows and leverage drive bitcoin month to month, while M2 moves by fractions of "
        "a percent.",
        None,
    ),
    (
        ("dcoilwtico", "dcoilbrenteu"),
        ("cpiaucsl",),
        "Gasoline is part of CPI, so oil swings show up in headline CPI within a month or two; in 2022 oil "
        "drove much of both the spike and the decline in headline inflation.",
        "Core inflation (shelter, services) moves slowly and ignores oil, and refining margins, taxes and "
        "the dollar stand between crude and the pump.",
        1,
    ),
    (
        ("dcoilwtico", "dcoilbrenteu"),
        ("t5yie", "t10yie"),
        "Breakeven inflation moves closely with oil: TIPS are indexed to headline CPI, where energy is the "
        "most volatile part, so oil rallies lift market inflation expectations.",
        "Liquidity in TIPS dries up in stress, pushing breakevens down regardless of oil (late 2008, March "
        "2020), and long breakevens care less about today's oil price than short ones.",
        1,
    ),
    (
        ("net_liquidity",),
        ("qqq", "spy", "spx", "ixic"),
        "Net liquidity (Fed assets minus the Treasury's cash and the reverse repo) became a popular macro "
        "gauge in 2022 because its level tracked US stock indexes closely at the time. Whether weekly "
        "changes line up as well as the chart of levels is the real test: any two trending series look "
        "related.",
        "Treasury cash swings around tax dates and debt-ceiling episodes move net liquidity by hundreds of "
        "billions without any change in policy, and earnings-driven rallies move stocks without any change "
        "in liquidity.",
        None,
    ),
    (
        ("net_liquidity",),
        ("btc",),
        "Net liquidity is the favourite macro gauge for bitcoin: both rose in 2020-21 and fell in 2022. "
        "Weekly changes are the test of whether the link is more than two shared trends.",
        "Bitcoin reacts to its own flows and leverage within days; net liquidity's weekly moves are often "
        "Treasury cash-management noise.",
        None,
    ),
    (
        ("walcl", "wtregen", "rrpontsyd"),
        ("net_liquidity",),
        "Net liquidity is built from this component (Fed assets minus the Treasury General Account minus "
        "the reverse repo), so the two share moves by construction: their correlation shows how much this "
        "component drives net liquidity, not a market link.",
        "The other components: for Fed assets, swings in the TGA and the reverse repo; for the TGA or the "
        "reverse repo, QT and the remaining component.",
        None,
    ),
    (
        ("t10y2y", "t10y3m"),
        ("unrate",),
        "The curve inverts when the Fed holds short rates above long ones to slow the economy, and it has "
        "inverted before most recessions since the 1970s. Unemployment has usually started rising around the "
        "time the curve steepens again as the Fed cuts, which is why people watch the un-inversion.",
        "The lags are long and variable (a year or two from inversion), and the record-long 2022-24 "
        "inversion ended without an immediate recession.",
        None,
    ),
    (
        ("icsa",),
        ("unrate",),
        "Weekly initial claims are the earliest hard data on layoffs: a sustained rise in claims has come "
        "before rises in the monthly unemployment rate.",
        "Claims are noisy (holidays, storms, seasonal adjustment) and miss people who never had a job or "
        "do not file; unemployment also rises when more people look for work.",
        1,
    ),
    (
        ("dgs10",),
        ("mortgage30us",),
        "The 30-year mortgage rate is priced off the 10-year Treasury plus a spread (mortgages are usually "
        "repaid or refinanced long before 30 years), so their weekly changes move together.",
        "The spread itself: historically around 1.5-2 points, it widened to near 3 in 2022-23 as rate "
        "volatility rose and the Fed stopped buying mortgage bonds.",
        1,
    ),
    (
        ("mortgage30us",),
        ("itb",),
        "Homebuilder stocks trade on mortgage rates: lower rates bring buyers back and builders use rate "
        "buy-downs to sell homes.",
        "Builders' margins, land costs and the shortage of existing homes for sale can lift builder stocks "
        "even with high mortgage rates, as in 2023.",
        -1,
    ),
    (
        ("mortgage30us",),
        ("csushpinsa",),
        "Home prices against mortgage rates: when rates more than doubled in 2022-23, sales froze but prices "
        "barely fell, because owners locked into low fixed rates did not sell.",
        "Prices respond to inventory and demographics over years; mortgage rates move weekly.",
        None,
    ),
    (
        ("dfii10",),
        ("gld",),
        "Gold pays no income, so the real yield on TIPS is its opportunity cost: for years gold moved almost "
        "tick for tick against the 10-year real yield.",
        "Since 2022 central banks buying gold (after Russia's reserves were frozen) pushed it to records "
        "despite the highest real yields since 2008, breaking the old model.",
        -1,
    ),
    (
        ("dfii10",),
        ("qqq", "ixic"),
        "Real yields discount long-dated earnings: the Nasdaq's growth stocks are the equity market's "
        "longest-duration assets, so rising real yields hurt them most, as in 2022.",
        "Earnings surprises from the largest companies move the index without any change in real yields.",
        -1,
    ),
    (
        ("hyg",),
        ("bamlh0a0hym2",),
        "HYG is a tradable basket of high-yield bonds, and the ICE BofA spread is the extra yield such bonds "
        "pay over Treasuries: wider spreads mean lower bond prices, so changes move in opposite directions.",
        "HYG also carries a few years of Treasury duration, so falling Treasury yields can lift it while "
        "spreads widen, and in stress the ETF can trade away from its bonds' value (March 2020).",
        -1,
    ),
    (
        ("lqd",),
        ("bamlc0a0cm",),
        "LQD holds investment-grade corporate bonds, whose extra yield over Treasuries is the IG spread: "
        "wider "
        "spreads mean lower prices.",
        "LQD's duration is long (around 8 years), so Treasury yields move it more than the spread does.",
        -1,
    ),
    (
        ("dgs2",),
        ("dff",),
        "The 2-year yield is roughly the average fed funds rate the market expects over two years: it moves "
        "ahead of the Fed, rising before hikes and falling before cuts.",
        "By construction the gap between them is the expected path of policy: a 2-year yield below fed funds "
        "prices cuts, above it hikes. Fed funds changes only at Fed meetings.",
        1,
    ),
    (
        ("dff",),
        ("sofr",),
        "SOFR, the rate on overnight Treasury repo, trades within a few basis points of fed funds; both are "
        "set by the Fed's policy band.",
        "Repo-market stress (September 2019, quarter-ends, heavy Treasury settlement) pushes SOFR above fed "
        "funds while fed funds barely moves.",
        1,
    ),
    (
        ("dgs2",),
        ("dgs10",),
        "The two ends of the 2s10s curve: the 2-year follows the Fed, the 10-year adds growth, inflation and "
        "term premium. Their difference is the curve people watch for recessions.",
        "Bull steepening when the Fed cuts (2-year falls faster), bear steepening when term premium rises "
        "(10-year rises faster), and the reverse flattening moves.",
        1,
    ),
    (
        ("dgs10",),
        ("dfii10",),
        "A nominal yield is about the real yield plus breakeven inflation: most of the 10-year's rise since "
        "2021 came from real yields, as the Fed tightened.",
        "Breakeven inflation, which moves with oil and inflation surprises, separates them.",
        1,
    ),
    (
        ("copper",),
        ("dgs10",),
        "Copper demand follows industry and construction, so its price is read as a growth gauge, and growth "
        "expectations move long yields too; the copper-to-gold ratio is often overlaid on the 10-year yield.",
        "China's demand and mine supply move copper without any change in US growth, while inflation and Fed "
        "expectations move yields without any change in copper.",
        1,
    ),
    (
        ("copper",),
        ("gld",),
        "Copper against gold pits a growth metal against a haven: the ratio rises with growth optimism and "
        "tends to track long Treasury yields.",
        "Gold's central-bank buying and copper's mine supply are separate stories.",
        None,
    ),
    (
        ("vix",),
        ("bamlh0a0hym2",),
        "Two prices of fear, one in equity options and one in junk bonds: they jump together in risk-off "
        "episodes.",
        "VIX spikes driven by option positioning (the February 2018 short-volatility unwind) pass without "
        "much credit widening, and a slow default cycle widens spreads with a moderate VIX.",
        1,
    ),
    (
        ("btc",),
        ("qqq", "ixic", "spy"),
        "Since 2020 bitcoin has traded like a leveraged bet on tech stocks: both are long-duration risk "
        "assets that depend on liquidity and real yields.",
        "Crypto events (exchange collapses, halvings, ETF approvals) and weekend trading, when stocks are "
        "closed, separate them.",
        1,
    ),
    (
        ("btc",),
        ("eth",),
        "Ether trades as a higher-beta bitcoin: the two share the same investors, exchanges and liquidity.",
        "Ethereum-specific events (network upgrades, staking, ETF approvals arriving later than bitcoin's) "
        "and shifts between the two as a store of value and a platform.",
        1,
    ),
    (
        ("spy", "spx"),
        ("tlt",),
        "The stock-bond correlation decides whether a 60/40 portfolio is diversified: negative for two "
        "decades before 2022 (bonds rallied in equity sell-offs), positive in 2022 when inflation sank both.",
        "Growth scares push them apart (flight to quality); inflation and Fed surprises push them together.",
        None,
    ),
    (
        ("dxy", "uup"),
        ("dexuseu",),
        "The euro is over half of the DXY, and EUR/USD is quoted in dollars per euro, so it falls when the "
        "dollar index rises: their changes move in opposite directions almost by construction.",
        "The rest of the index (yen, pound, Canadian dollar, krona, franc) separates them.",
        -1,
    ),
    (
        ("dxy",),
        ("uup",),
        "UUP holds futures on the DXY, so it tracks the index plus the interest earned on its cash "
        "collateral.",
        "Futures roll and the collateral yield add a slow drift between the two.",
        1,
    ),
    (
        ("dxy", "uup"),
        ("dtwexbgs",),
        "Two dollar indexes: the DXY weighs six currencies dominated by the euro; the Fed's broad index "
        "weighs 26 by trade, with China and Mexico among the largest.",
        "The yuan, the peso and other emerging-market currencies move the broad index but not the DXY.",
        1,
    ),
    (
        ("dexjpus",),
        ("dgs10",),
        "USD/JPY follows the gap between US and Japanese yields: with Japan's rates pinned near zero for "
        "years, higher US yields pulled money into dollars and weakened the yen.",
        "Japanese intervention, Bank of Japan policy changes and carry-trade unwinds (August 2024) move the "
        "yen without US yields moving.",
        1,
    ),
    (
        ("eem",),
        ("dxy", "uup", "dtwexbgs"),
        "A strong dollar hurts emerging markets: their dollar debt gets dearer, capital flows out, and their "
        "stocks are worth less in dollars.",
        "China's own policy cycle and commodity prices drive emerging markets independently of the dollar.",
        -1,
    ),
    (
        ("xlf",),
        ("t10y2y",),
        "Banks borrow short and lend long, so a steeper curve widens their net interest margin; financial "
        "stocks tend to like steepening.",
        "Credit losses and bank-specific stress (March 2023) hit financials regardless of the curve, and a "
        "steepening caused by Fed cuts in a recession does not help them.",
        1,
    ),
    (
        ("gld",),
        ("slv",),
        "Silver trades as a higher-beta gold with an industrial side (solar panels, electronics): the "
        "gold-to-silver ratio widens in slowdowns and narrows in booms.",
        "Industrial demand swings and silver's smaller, less liquid market.",
        1,
    ),
    (
        ("dcoilwtico",),
        ("dcoilbrenteu",),
        "Two benchmarks for one commodity: WTI for US crude delivered at Cushing, Oklahoma, Brent for "
        "seaborne crude; the Brent-WTI spread reflects transport and US export capacity.",
        "Local bottlenecks: Cushing storage (WTI went negative in April 2020), pipeline constraints and "
        "shipping disruptions.",
        1,
    ),
    (
        ("dcoilwtico", "dcoilbrenteu"),
        ("xle",),
        "Energy stocks' revenue is oil: XLE moves with crude, less than one for one because producers hedge "
        "and refiners earn margins rather than the crude price.",
        "Capital discipline, buybacks and the broader stock market move energy shares independently of "
        "crude.",
        1,
    ),
    (
        ("ovx",),
        ("dcoilwtico", "dcoilbrenteu"),
        "OVX is implied volatility on oil: like the VIX for stocks, it jumps when oil crashes.",
        "Supply scares that send oil up sharply can lift OVX too.",
        -1,
    ),
    (
        ("vix",),
        ("vix3m",),
        "The VIX term structure: 30-day against 3-month implied volatility. The VIX normally sits below "
        "VIX3M; VIX above VIX3M signals acute stress.",
        "In a shock the VIX jumps much more than VIX3M, so the gap between them is itself a stress gauge.",
        1,
    ),
    (
        ("cpiaucsl",),
        ("cpilfesl",),
        "Headline against core CPI: the difference is food and energy, which is why the Fed watches core to "
        "judge the trend.",
        "Energy price swings move headline while core barely reacts.",
        1,
    ),
    (
        ("m2sl",),
        ("cpiaucsl",),
        "The monetarist link: M2 grew about 40% from early 2020 to early 2022, and CPI inflation peaked in "
        "2022. Any effect comes with a long lag, so changes in the same month are a weak test of it.",
        "How fast money circulates, supply shocks and energy prices separate money growth from inflation; a "
        "decade of QE after 2008 did little to CPI.",
        None,
    ),
)


def _build() -> dict[frozenset[str], CuratedNote]:
    notes: dict[frozenset[str], CuratedNote] = {}
    for first, second, note, divergence, sign in _NOTES:
        for a, b in product(first, second):
            key = frozenset((a, b))
            if len(key) != 2 or key in notes:
                raise ValueError(f"curated note for {sorted(key)} is repeated or pairs a metric with itself")
            notes[key] = CuratedNote(key, note, divergence, sign)
    return notes


CURATED_NOTES: Mapping[frozenset[str], CuratedNote] = MappingProxyType(_build())


def curated_note(a_id: str, b_id: str) -> CuratedNote | None:
    """The hand-written note for this pair, in either order, if there is one."""
    return CURATED_NOTES.get(frozenset((a_id, b_id)))
