"""What two domains have in common: one template per unordered pair of catalog domains.

Every pair of the 12 domains (66 cross-domain pairs and 12 same-domain pairs) has its own text:
`link` says what connects them, `divergence` what usually drives them apart. The texts carry no
placeholders and no measured numbers; the measured figures come from the pair's statistics.
A generic fallback exists only for a domain the catalog does not know yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from convex.catalog import DOMAINS, USER_DOMAINS


@dataclass(frozen=True)
class DomainLink:
    domains: frozenset[str]
    link: str
    divergence: str
    generic: bool = False


_L, _R, _B, _C, _E = "Liquidity", "Rates", "Bonds & Duration", "Credit", "Equities"
_V, _M, _X, _K = "Volatility", "Commodities", "FX", "Crypto"
_I, _G, _H = "Inflation", "Growth & Labor", "Housing"

_TEXTS: tuple[tuple[str, str, str, str], ...] = (
    # ------------------------------------------------------------------ same domain
    (
        _L,
        _L,
        "Both measure money or central-bank liquidity, and the Fed's balance sheet ties them together: "
        "cash leaving the Treasury's account or the reverse repo becomes bank reserves, and the reverse.",
        "The plumbing: Treasury cash swings around tax dates and debt-ceiling episodes, money funds moving "
        "between the reverse repo and T-bills, and QT running off assets while reserves are refilled from "
        "the reverse repo. Broad money (M1, M2) also depends on bank lending, which the Fed does not set.",
    ),
    (
        _R,
        _R,
        "Both are points on the US rate curve, tied together by the expected path of the Fed's policy rate "
        "plus a term premium that grows with maturity.",
        "Curve shape: the front end follows the next few Fed meetings, the long end term premium, "
        "inflation expectations and Treasury supply, so the curve steepens, flattens or inverts. Real "
        "yields split from nominal yields when breakeven inflation moves.",
    ),
    (
        _B,
        _B,
        "Both are bond funds whose prices move inversely with yields, scaled by duration: a long-duration "
        "fund swings several times as much as a short one for the same yield move.",
        "Curve moves (a steepening hurts long duration while short funds barely move), breakeven "
        "inflation for TIPS against nominal Treasuries, and the mortgage and corporate spreads inside AGG.",
    ),
    (
        _C,
        _C,
        "Both measure corporate credit risk, as a spread over Treasuries or as a bond price; spreads widen "
        "together when default risk or risk aversion rises.",
        "Quality and duration: high yield reacts to defaults and equities, investment grade more to rates "
        "and issuance; bond fund prices and Moody's yields also carry the Treasury yield, which a spread "
        "strips out.",
    ),
    (
        _E,
        _E,
        "Both are equity prices and share the market factor: most of their moves are the same broad risk "
        "appetite, and what is left is size, style, sector or region.",
        "Rotation between sectors and styles (tech against energy, growth against value), small caps' "
        "greater sensitivity to financing costs, and the dollar and local growth for foreign markets.",
    ),
    (
        _V,
        _V,
        "Both are implied volatility indexes priced from options; a broad risk-off shock lifts all of them. "
        "The VIX term structure (VIX against VIX3M) normally slopes upward and inverts in acute stress.",
        "Asset-specific events: an oil supply shock lifts OVX, a gold move GVZ, a tech sell-off VXN, while "
        "the VIX stays calm. Short-dated volatility reacts faster than 3-month volatility.",
    ),
    (
        _M,
        _M,
        "Both are dollar-priced commodities that respond to global growth and the dollar, but each has its "
        "own supply story.",
        "Supply: OPEC and inventories for oil, weather and storage for natural gas, mines and China for "
        "copper, central-bank buying and real yields for gold, harvests for farm goods.",
    ),
    (
        _X,
        _X,
        "Both measure the dollar against other currencies, so mind the quote: EUR/USD is dollars per euro "
        "and falls when the dollar strengthens, while USD/JPY, USD/CNY and the dollar indexes rise.",
        "Which currencies weigh: the DXY is mostly the euro, the Fed's broad index includes China and "
        "Mexico; the yen and the yuan follow Japan's and China's policy (intervention, a managed fixing) as "
        "much as the dollar's story.",
    ),
    (
        _K,
        _K,
        "Both are crypto assets: bitcoin sets the tone and most coins trade as higher-beta versions of it.",
        "Token-specific news (network upgrades, ETF approvals, regulatory cases), exchange failures, and "
        "leverage flushes that hit smaller coins harder.",
    ),
    (
        _I,
        _I,
        "Both measure inflation, either realized (CPI, core CPI, core PCE, producer prices) or expected by "
        "markets (breakevens); producer and energy prices feed into consumer prices with a lag.",
        "Energy and food swing headline and producer prices while core moves slowly; shelter weighs far "
        "more in CPI than in PCE; breakevens move daily with oil and risk appetite, price indexes monthly.",
    ),
    (
        _G,
        _G,
        "Both describe the real economy's cycle (jobs, output, spending, sentiment); over a cycle they turn "
        "together, month to month they often do not.",
        "Timing: claims and sentiment turn early, payrolls and production with the cycle, unemployment "
        "late; revisions and one-off shocks (strikes, storms, stimulus checks) separate them.",
    ),
    (
        _H,
        _H,
        "Both measure housing (construction, prices, financing costs or listed housing stocks): permits "
        "lead starts, and mortgage rates drive affordability and activity.",
        "Prices lag activity by many months and resist falling because owners with low fixed-rate "
        "mortgages do not sell; builder and REIT stocks price the outlook well ahead of the data.",
    ),
    # ------------------------------------------------------------------ Liquidity
    (
        _L,
        _R,
        "The Fed runs both: it sets the policy rate and the size of its balance sheet. It has usually eased "
        "with both at once (zero rates plus QE in 2009-14 and 2020-21) and tightened with both (hikes plus "
        "QT from 2022).",
        "The two tools can point different ways (the Fed cut rates in late 2024 while QT continued), and "
        "market yields answer to growth, inflation and Treasury supply, not only to the Fed.",
    ),
    (
        _L,
        _B,
        "The thesis: quantitative easing (the Fed buying Treasuries and mortgage bonds) takes duration out "
        "of the market and should lift bond prices, and QT, handing that duration back, should weigh on "
        "them; rates and inflation often matter more.",
        "Bond prices answer first to rate expectations and inflation: in 2022 long Treasuries fell hard "
        "while "
        "the balance sheet was still near its peak. Treasury issuance changes supply independently of the "
        "Fed.",
    ),
    (
        _L,
        _C,
        "Abundant liquidity compresses credit spreads: cash hunts for yield and weak borrowers can "
        "refinance. When liquidity drains, funding gets harder and lower-rated credit feels it first.",
        "Spreads follow the default cycle and earnings: they can widen with liquidity unchanged (a recession "
        "scare) or stay tight through QT when profits are strong.",
    ),
    (
        _L,
        _E,
        "The liquidity trade: more central-bank money in markets supports valuations, and the levels of net "
        "liquidity and US stock indexes rose and fell together through 2020-22. Stocks are a claim on "
        "earnings, though, so the link is looser than a chart of levels suggests.",
        "Week to week, stocks move on earnings, rate expectations and risk appetite; liquidity data is "
        "weekly "
        "and its swings around the Treasury's cash balance are often timing noise.",
    ),
    (
        _L,
        _V,
        "Abundant liquidity tends to suppress volatility and draining liquidity to raise it; in acute stress "
        "(March 2020) the Fed adds liquidity to calm markets, so spikes and balance-sheet jumps can "
        "coincide.",
        "Volatility reacts within hours to news and positioning, the balance sheet over weeks and months, "
        "so short-run changes rarely line up.",
    ),
    (
        _L,
        _M,
        "Easy money weakens the dollar and favours real assets; gold in particular is bought as a hedge "
        "against currency debasement when central banks expand.",
        "Supply shocks (wars, OPEC decisions, weather) dominate most commodities, and gold answers more to "
        "real yields and central-bank buying than to the Fed's balance sheet.",
    ),
    (
        _L,
        _X,
        "Fed liquidity is dollar supply: QE has tended to weaken the dollar and QT or funding stress to "
        "strengthen it, because the world borrows in dollars and scrambles for them when they are scarce.",
        "The dollar is a relative price: other central banks' balance sheets, rate differentials and "
        "safe-haven demand move it as much as the Fed's.",
    ),
    (
        _L,
        _K,
        "Crypto is close to a pure liquidity trade: with no cash flows to value, its price depends on how "
        "much money chases speculative assets. The 2020-21 boom and the 2022 bust lined up with QE and QT.",
        "Crypto's own events (halving cycles, ETF flows, exchange failures, regulation) move prices far more "
        "than weekly or monthly liquidity data in the short run.",
    ),
    (
        _L,
        _I,
        "Money and prices: the surge in M2 in 2020-21 came before the 2021-22 inflation, and the Fed fights "
        "inflation partly by draining liquidity.",
        "The link is loose and slow: energy and supply shocks matter, and so does how fast money "
        "circulates; a decade of QE after 2008 did little to consumer-price inflation.",
    ),
    (
        _L,
        _G,
        "Liquidity answers to the cycle: the Fed expands its balance sheet in recessions and shrinks it in "
        "expansions, and broad money grows with bank lending to a growing economy.",
        "Policy reacts with a lag, and to financial stress rather than to each data release; economic data "
        "is monthly and revised.",
    ),
    (
        _L,
        _H,
        "The Fed's purchases of mortgage-backed securities lower mortgage rates directly: QE in 2020-21 came "
        "with a housing boom, and QT runs those holdings off.",
        "Mortgage rates follow the 10-year Treasury more than the balance sheet, and home prices move "
        "slowly with inventory and demographics.",
    ),
    # ------------------------------------------------------------------ Rates
    (
        _R,
        _B,
        "Mechanical: a bond's price falls when its yield rises, by about its duration times the yield "
        "change, so a Treasury fund moves close to the inverse of the yield at its maturity.",
        "Little beyond maturity mismatch and curve moves (the fund's maturity against the yield's), and for "
        "TIPS or AGG their real-yield or spread exposure.",
    ),
    (
        _R,
        _C,
        "Corporate yields are Treasury yields plus a credit spread. Spreads often narrow when yields rise on "
        "good growth news and widen when yields fall in a flight to safety.",
        "Why yields move decides the sign: growth (yields up, spreads tighter) or inflation and Fed "
        "tightening (yields and spreads can rise together).",
    ),
    (
        _R,
        _E,
        "Yields discount future earnings: higher rates lower valuations, most for long-duration growth "
        "stocks. But yields also rise on good growth news, which stocks like.",
        "The sign flips with the regime: from about 2000 to 2021 stocks and yields mostly rose together "
        "(growth drove yields); in 2022 inflation drove yields up and stocks down.",
    ),
    (
        _R,
        _V,
        "Fast rate moves unsettle markets: a bond sell-off can lift equity volatility, and in a crash yields "
        "fall as money flees to Treasuries while volatility spikes.",
        "A repricing of the Fed's path can leave equity volatility calm, and volatility shocks from "
        "positioning can leave yields unchanged.",
    ),
    (
        _R,
        _M,
        "Higher real yields raise the cost of holding gold, which pays no income; strong growth lifts "
        "yields, "
        "oil and industrial metals together; commodity prices feed inflation expectations and so yields.",
        "Supply shocks move commodities independently of rates, and gold has risen alongside high real "
        "yields since 2022 on central-bank buying.",
    ),
    (
        _R,
        _X,
        "Rate differentials drive currencies: when US yields rise against other countries', capital flows "
        "into dollars. USD/JPY in particular has tracked the gap between US and Japanese yields.",
        "Risk aversion can lift the dollar while US yields fall, and foreign central banks (or Japan's "
        "currency intervention) change the other side of the differential.",
    ),
    (
        _R,
        _K,
        "Crypto trades like a long-duration risk asset: rising real yields and a hawkish Fed hurt it in "
        "2022, "
        "falling yields have helped.",
        "Crypto's own cycle and flows dominate its daily moves; yields matter through the broad risk "
        "appetite they set.",
    ),
    (
        _R,
        _I,
        "The Fed sets rates to control inflation, and market yields embed inflation expectations: a nominal "
        "yield is roughly a real yield plus breakeven inflation.",
        "Policy lags inflation, long yields carry a term premium, and real yields can move with breakevens "
        "unchanged.",
    ),
    (
        _R,
        _G,
        "Rates follow the economy: strong jobs and growth data push yields up as markets price a tighter "
        "Fed, "
        "weak data pull them down. The yield curve has inverted before most US recessions.",
        "Inflation can keep the Fed tight through a slowdown, and the curve's recession signal comes with "
        "long and variable lags; economic data is monthly and revised while yields move daily.",
    ),
    (
        _R,
        _H,
        "Mortgage rates are priced off the 10-year Treasury plus a spread, so home sales, starts, builders "
        "and REITs react to yields.",
        "The mortgage spread widens with rate volatility and weak demand for mortgage bonds; housing "
        "activity "
        "responds with a lag of months and home prices more slowly still.",
    ),
    # ------------------------------------------------------------------ Bonds & Duration
    (
        _B,
        _C,
        "Both are bonds: investment-grade bonds carry Treasury-like duration and move with Treasuries, while "
        "high yield behaves more like equity.",
        "Credit risk: in a risk-off shock Treasuries rally while high yield falls; in a rate sell-off with "
        "strong growth, tighter spreads soften the fall of corporate bonds.",
    ),
    (
        _B,
        _E,
        "The stock-bond correlation is the core of a 60/40 portfolio: from about 2000 to 2021 it was mostly "
        "negative (bonds hedged stocks), and the 2022 inflation shock turned it positive as both fell.",
        "Inflation and Fed surprises push stocks and bonds the same way; growth scares push them apart as "
        "money flees to Treasuries.",
    ),
    (
        _B,
        _V,
        "Treasuries are the classic flight-to-quality asset: when equity volatility spikes, long bonds "
        "often rally.",
        "When the shock is inflation or the Fed, as in 2022, volatility rises while bonds fall.",
    ),
    (
        _B,
        _M,
        "Gold and Treasuries are both havens and both react to real yields; TIPS and commodities both "
        "protect against inflation.",
        "Oil and industrial metals rise with growth and inflation, which hurt nominal bonds; gold can rise "
        "with yields when central banks buy it.",
    ),
    (
        _B,
        _X,
        "US bond prices and the dollar both react to US yields: falling bond prices mean higher yields, "
        "which attract foreign money. Both are also havens in a crisis.",
        "Safe-haven flows lift Treasuries and the dollar together, and foreign selling of US assets pushes "
        "both down together; rate differentials push them apart.",
    ),
    (
        _B,
        _K,
        "Both are sensitive to real rates and liquidity: falling yields have supported crypto, rising "
        "yields hurt it.",
        "In stress Treasuries rally while crypto sells off, and crypto's volatility is many times that of "
        "bonds.",
    ),
    (
        _B,
        _I,
        "Inflation erodes nominal coupons and pushes yields up, so bond prices fall on inflation surprises; "
        "TIPS are indexed to CPI and hold their real value.",
        "Price indexes are monthly and backward-looking; bonds price expected inflation and the Fed's "
        "reaction, months ahead of the data.",
    ),
    (
        _B,
        _G,
        "Weak growth and rising unemployment bring rate cuts, so bonds rally; strong data push yields up and "
        "bond prices down.",
        "Inflation can keep bonds falling through a slowdown, and economic data is monthly and revised while "
        "bonds reprice daily.",
    ),
    (
        _B,
        _H,
        "Mortgage rates follow Treasury yields, so bond prices and housing affordability move together; AGG "
        "itself holds a large share of mortgage-backed securities.",
        "The mortgage spread, housing supply and local demand move housing without any change in Treasuries.",
    ),
    # ------------------------------------------------------------------ Credit
    (
        _C,
        _E,
        "Credit and equity are claims on the same companies: widening spreads mean rising default risk and "
        "usually come with falling stocks, and high-yield spreads often turn before the equity market.",
        "Equities can rally on a few large companies' earnings while credit, with its capped upside, barely "
        "moves; spreads have a floor and say less at market tops.",
    ),
    (
        _C,
        _V,
        "Credit spreads and implied volatility are two prices of the same fear: both rise when investors "
        "demand more to hold risk.",
        "Volatility spikes from option positioning that do not threaten solvency leave spreads calm; a slow "
        "default cycle can widen spreads with only moderate volatility.",
    ),
    (
        _C,
        _M,
        "Energy companies are a large part of the high-yield market, so oil crashes have widened spreads "
        "(2015-16, 2020); commodity prices also track the growth that keeps borrowers solvent.",
        "Outside energy, credit follows the default cycle and commodities their own supply and demand.",
    ),
    (
        _C,
        _X,
        "A stronger dollar tightens global financial conditions and tends to come with wider spreads, "
        "especially for borrowers with foreign revenue or dollar debt abroad.",
        "US credit follows the domestic default cycle, the dollar rate differentials and haven flows.",
    ),
    (
        _C,
        _K,
        "Both are risk assets priced off risk appetite and leverage: tight spreads and rising crypto both "
        "signal easy financial conditions.",
        "Crypto has its own events and far higher volatility; credit moves slowly with defaults.",
    ),
    (
        _C,
        _I,
        "Inflation that forces the Fed to tighten raises financing costs and default risk, while moderate "
        "inflation helps borrowers by lifting nominal revenue.",
        "Spreads respond to growth and defaults, inflation data arrives monthly, and the Fed's reaction "
        "decides which effect wins.",
    ),
    (
        _C,
        _G,
        "Spreads price the default cycle: rising unemployment and falling output bring defaults, so spreads "
        "widen in recessions, usually before the labor data turns.",
        "Spreads move daily and ahead of the data; the labor market lags and is revised.",
    ),
    (
        _C,
        _H,
        "Housing and corporate credit both live on financing conditions; homebuilders and REITs are "
        "leveraged and trade partly like credit.",
        "Housing has its own supply and demand, and mortgage spreads move apart from corporate ones.",
    ),
    # ------------------------------------------------------------------ Equities
    (
        _E,
        _V,
        "The VIX family is priced from stock index options and rises when stocks fall: one of the most "
        "reliable negative links in markets. Volatility jumps in sell-offs and drifts lower in rallies.",
        "The link weakens in call-driven rallies, when stocks and implied volatility rise together, and "
        "before known events (elections, Fed meetings) that lift volatility without a sell-off.",
    ),
    (
        _E,
        _M,
        "Stocks and commodities both rise with global growth; energy stocks track oil and miners track "
        "metals.",
        "Oil supply shocks hurt most stocks through costs while lifting energy; gold is a haven that can "
        "rise "
        "while stocks fall.",
    ),
    (
        _E,
        _X,
        "A strong dollar cuts US multinationals' foreign earnings and hurts emerging markets that borrow in "
        "dollars, and the dollar rises when investors flee risk.",
        "Strong US growth can lift US stocks and the dollar together, and foreign stocks priced in dollars "
        "move with their currencies.",
    ),
    (
        _E,
        _K,
        "Bitcoin has traded as a high-beta technology stock since 2020, its correlation with the Nasdaq "
        "rising as institutions bought in.",
        "Crypto-only events move it independently, and the correlation has been unstable: high in 2022, "
        "lower in other years.",
    ),
    (
        _E,
        _I,
        "Inflation hurts equity valuations through higher rates and squeezes margins when costs rise faster "
        "than prices; moderate inflation lifts nominal earnings.",
        "Earnings and the Fed's reaction dominate stocks, and inflation data arrives monthly.",
    ),
    (
        _E,
        _G,
        "Stocks lead the economy: they price earnings, which follow growth, and usually turn before jobs and "
        "output. Rising jobless claims are the classic early warning.",
        "Markets anticipate: weak data can lift stocks when it means rate cuts, and strong data can sink "
        "them when it means a tighter Fed.",
    ),
    (
        _E,
        _H,
        "Homebuilders and REITs are equities with housing and rate exposure, and housing activity feeds "
        "growth and household wealth.",
        "Rates hit housing first and hardest, and home prices move slowly next to daily stock prices.",
    ),
    # ------------------------------------------------------------------ Volatility
    (
        _V,
        _M,
        "Commodity and equity volatility rise together in global shocks; oil and industrial metals fall "
        "when fear spikes, while gold can rise.",
        "A supply shock in one commodity lifts its own price and volatility without disturbing the stock "
        "market.",
    ),
    (
        _V,
        _X,
        "The dollar is a haven: volatility spikes often come with a stronger dollar and a stronger yen as "
        "carry trades unwind.",
        "A US-specific shock can lift volatility while the dollar falls.",
    ),
    (
        _V,
        _K,
        "Crypto is a high-beta risk asset that sells off when equity volatility spikes.",
        "Crypto's own crashes (exchange failures, hacks) leave equity volatility calm.",
    ),
    (
        _V,
        _I,
        "High and variable inflation makes Fed policy uncertain and lifts volatility; the 2022 inflation "
        "shock kept volatility elevated for most of the year.",
        "Volatility reacts daily to news, while inflation data is monthly and slow-moving.",
    ),
    (
        _V,
        _G,
        "Volatility is counter-cyclical: high in recessions, low and stable in expansions.",
        "Sharp spikes also happen in expansions (February 2018, August 2024) without a recession following.",
    ),
    (
        _V,
        _H,
        "Housing stocks are rate- and risk-sensitive and fall in volatility spikes, while housing activity "
        "moves slowly.",
        "Housing data responds to mortgage rates over months; volatility spikes are short-lived.",
    ),
    # ------------------------------------------------------------------ Commodities
    (
        _M,
        _X,
        "Commodities are priced in dollars: a stronger dollar makes them dearer for everyone else and "
        "tends to "
        "lower their dollar price. Gold has a long negative link with the dollar.",
        "Supply shocks move commodities regardless of the dollar, and haven demand can lift gold and the "
        "dollar together.",
    ),
    (
        _M,
        _K,
        "Bitcoin is marketed as digital gold: both are scarce assets without cash flows, bought as hedges "
        "against currency debasement.",
        "In practice bitcoin has traded with risk assets and liquidity, gold with real yields and haven "
        "demand.",
    ),
    (
        _M,
        _I,
        "Energy and food are the volatile part of headline inflation: oil reaches CPI within a month or two "
        "through gasoline, and producer prices directly.",
        "Core inflation (services, shelter) hardly depends on commodities, and gold is in no price index.",
    ),
    (
        _M,
        _G,
        "Industrial commodities rise and fall with global growth: copper is watched as a gauge of the "
        "industrial cycle, and oil demand tracks activity.",
        "Supply shocks raise commodity prices while hurting growth, and China matters more to metals than "
        "US data does.",
    ),
    (
        _M,
        _H,
        "Construction uses lumber, copper and energy, and commodity-driven inflation feeds into mortgage "
        "rates.",
        "Housing answers mostly to mortgage rates and inventory, not to commodity prices.",
    ),
    # ------------------------------------------------------------------ FX
    (
        _X,
        _K,
        "A weaker dollar and easier global liquidity have supported bitcoin, which some hold as an "
        "alternative to fiat currencies.",
        "Crypto-specific flows dominate, and the dollar's moves are small next to crypto's.",
    ),
    (
        _X,
        _I,
        "A weaker dollar raises import prices and US inflation; high US inflation brings a tighter Fed and, "
        "through higher yields, a stronger dollar.",
        "Pass-through to consumer prices is slow and partial, while the dollar moves daily on rate "
        "differentials and risk.",
    ),
    (
        _X,
        _G,
        "The dollar smile: the dollar tends to rise when the US outgrows the world and in global recessions, "
        "and to fall in synchronized global growth.",
        "Which side of the smile the world is on changes the sign of the link.",
    ),
    (
        _X,
        _H,
        "Little direct link: the dollar and US housing connect through US rates, since the yields that "
        "support the dollar also set mortgage rates.",
        "Housing is domestic and slow; the dollar is global and fast.",
    ),
    # ------------------------------------------------------------------ Crypto
    (
        _K,
        _I,
        "Bitcoin's fixed supply is pitched as an inflation hedge.",
        "The 2022 inflation surge came with a crypto crash: so far crypto has traded with liquidity and "
        "risk appetite, not with inflation.",
    ),
    (
        _K,
        _G,
        "The link runs through risk appetite and the Fed: strong data that means higher rates has weighed on "
        "crypto, weak data that brings cuts has helped.",
        "Crypto's moves are far larger and faster than anything in monthly economic data.",
    ),
    (
        _K,
        _H,
        "No direct link: both respond to the cost and availability of money, so low rates and easy liquidity "
        "have lifted crypto and housing together.",
        "Crypto moves daily on its own flows; housing moves slowly on mortgage rates and supply.",
    ),
    # ------------------------------------------------------------------ Inflation, Growth, Housing
    (
        _I,
        _G,
        "The Phillips curve: a tight labor market pushes wages and services inflation up, and the Fed weighs "
        "both under its dual mandate.",
        "Supply shocks raise inflation while hurting growth (stagflation), and the link between unemployment "
        "and inflation has been flat for long stretches.",
    ),
    (
        _I,
        _H,
        "Shelter is about a third of CPI and is measured from rents; market rents and home prices lead the "
        "CPI shelter component by a year or more.",
        "Home prices respond to mortgage rates and inventory, while CPI measures rents, not house prices, so "
        "the two can diverge for years.",
    ),
    (
        _G,
        _H,
        "Housing leads the cycle: permits and starts turn before the broader economy, and construction and "
        "home sales drive jobs and spending.",
        "Mortgage rates can hit housing while jobs keep growing, and housing shortages keep prices up in "
        "slowdowns.",
    ),
)

DOMAIN_LINKS: Mapping[frozenset[str], DomainLink] = MappingProxyType(
    {
        frozenset((first, second)): DomainLink(frozenset((first, second)), link, divergence)
        for first, second, link, divergence in _TEXTS
    }
)

# Deliberately generic pairs: none. Every pair of the 12 domains has its own text; this fallback
# only covers a domain that is added to the catalog before it gets a template.
GENERIC_DOMAIN_PAIRS: frozenset[frozenset[str]] = frozenset()


def domain_link(domain_a: str, domain_b: str) -> DomainLink:
    """The template for two domains, in either order; a generic one for an unknown domain."""
    key = frozenset((domain_a, domain_b))
    found = DOMAIN_LINKS.get(key)
    if found is not None:
        return found
    if key & set(USER_DOMAINS):
        # A series the user wrote or uploaded: Convex knows its numbers, not what drives it.
        return DomainLink(
            key,
            "One of the two is your own series: Convex knows its numbers, not what drives it.",
            "What makes them diverge is for you to say; the statistics below say only how they have moved.",
            generic=True,
        )
    if domain_a == domain_b:
        link = f"Both are {domain_a.lower()} series, so they share the forces that drive that market."
    else:
        link = (
            f"{domain_a} and {domain_b} connect mainly through the economy-wide forces of growth, "
            "inflation, interest rates and risk appetite."
        )
    return DomainLink(
        key,
        link,
        "Each also has drivers of its own, so how closely they move is a question for the data below.",
        generic=True,
    )


def all_domain_pairs() -> list[frozenset[str]]:
    """Every unordered pair of catalog domains, same-domain pairs included (78 for 12 domains)."""
    return [frozenset((first, second)) for i, first in enumerate(DOMAINS) for second in DOMAINS[i:]]
