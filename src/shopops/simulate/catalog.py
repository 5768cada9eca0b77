"""Draw one shop from a theme: its products (prices, costs, lifecycles, bundles), paid keywords, service agents
and competitors. Everything is arrays indexed by product / keyword / agent / listing, fixed for the whole run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from shopops.simulate.sources import SOURCES
from shopops.simulate.themes import AGENTS_EN, AGENTS_ZH, STYLES_EN, STYLES_ZH, Theme

USD_PER_CNY = 1 / 7.1


@dataclass(frozen=True)
class Products:
    sku: np.ndarray  # str
    title: np.ndarray  # str
    category: np.ndarray  # index into theme.categories
    price: np.ndarray  # cents
    cost: np.ndarray  # cents
    launch: np.ndarray  # day index relative to the period start (negative: launched before)
    potential: np.ndarray  # peak appeal
    rise: np.ndarray  # days to grow (new → growth)
    peak_age: np.ndarray  # age at which decline starts
    decay: np.ndarray  # decline time constant (days)
    cvr: np.ndarray  # base conversion of a detail-page visitor
    affinity: np.ndarray  # [product, source] conversion multiplier
    ctr: np.ndarray  # natural-search click-through rate
    bounce: np.ndarray  # bounce multiplier of the detail page
    quality: np.ndarray  # share of 5-star reviews
    partner: np.ndarray  # bundle accessory (product index) or -1
    attach: np.ndarray  # share of buyers who take the bundle accessory
    lead_time: np.ndarray  # restock lead time (days)
    has_video: np.ndarray
    white_bg: np.ndarray
    image: np.ndarray  # main-image hash (str)

    def __len__(self) -> int:
        return len(self.sku)

    def appeal(self, days: np.ndarray) -> np.ndarray:
        """[day, product] appeal along the lifecycle: new → growth → hot (near the peak) → decline."""
        age = days[:, None] - self.launch[None, :]
        rise = 1 - np.exp(-np.clip(age, 0, None) / self.rise[None, :])
        decline = np.exp(-np.clip(age - self.peak_age[None, :], 0, None) / self.decay[None, :])
        return np.where(age >= 0, self.potential[None, :] * rise * decline, 0.0)


@dataclass(frozen=True)
class Keywords:
    text: np.ndarray  # str
    product: np.ndarray  # product index
    campaign: np.ndarray  # str
    match: np.ndarray  # str
    weight: np.ndarray  # share of its product's paid clicks
    ctr: np.ndarray
    cvr: np.ndarray  # conversion multiplier
    bid0: np.ndarray  # rivals' going bid (cents per click) on day 0
    ratio: np.ndarray  # our bid ÷ rivals' bid (holds the rank)
    rank: np.ndarray  # average ad rank at that ratio

    def __len__(self) -> int:
        return len(self.text)


@dataclass(frozen=True)
class Agents:
    name: np.ndarray
    skill: np.ndarray  # inquiry → payment conversion
    response: np.ndarray  # mean first-response seconds
    workdays: np.ndarray  # [agent, weekday] 1 if on shift

    def __len__(self) -> int:
        return len(self.name)


@dataclass(frozen=True)
class Competitors:
    names: tuple[str, ...]
    kinds: tuple[str, ...]  # leader | peer
    owner: np.ndarray  # listing → competitor index
    listing: np.ndarray  # str id
    title: np.ndarray
    matched: np.ndarray  # our product index or -1
    price: np.ndarray  # cents, usual price
    sales: np.ndarray  # usual monthly sales
    launch: np.ndarray  # day index of first appearance
    image: np.ndarray
    elasticity: np.ndarray  # how much our matched product's conversion reacts to this listing's price cuts


@dataclass(frozen=True)
class Shop:
    index: int
    store_id: str
    name: str
    platform: str
    currency: str
    lang: str  # zh | en
    theme: Theme
    products: Products
    keywords: Keywords
    agents: Agents
    competitors: Competitors
    coupon_threshold: int  # cents: orders at or above get the store coupon
    coupon: int  # cents
    free_shipping: int  # cents: orders below pay postage
    postage: int  # cents

    @property
    def category_names(self) -> list[str]:
        return [c.zh if self.lang == "zh" else c.en for c in self.theme.categories]


def image_hash(*parts: object) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode()).hexdigest()[:16]


def _money(cny: np.ndarray, currency: str) -> np.ndarray:
    """Shop prices in cents: CNY rounded to a whole yuan ending in 9, USD to x.99."""
    if currency == "USD":
        return (np.maximum(np.round(cny * USD_PER_CNY), 1) * 100 - 1).astype(np.int64)
    return (np.maximum(np.round(cny / 10) * 10 - 1, 9) * 100).astype(np.int64)


def build_shop(
    rng: np.random.Generator,
    *,
    index: int,
    store_id: str,
    theme: Theme,
    n_products: int,
    days: int,
    platform: str,
    seed: int,
) -> Shop:
    lang = "zh" if platform in ("taobao", "tmall") else "en"
    currency = "CNY" if lang == "zh" else "USD"
    cats = theme.categories
    # Accessories are a fifth of the range; the rest spread over the main categories.
    accessory_cats = [i for i, c in enumerate(cats) if c.accessory]
    main_cats = [i for i, c in enumerate(cats) if not c.accessory]
    n_acc = max(2, n_products // 5)
    category = np.concatenate([rng.choice(main_cats, n_products - n_acc), rng.choice(accessory_cats, n_acc)]).astype(
        np.int64
    )
    category = np.sort(category, kind="stable")
    P = n_products
    lo = np.array([cats[c].price[0] for c in category], dtype=float)
    hi = np.array([cats[c].price[1] for c in category], dtype=float)
    price_cny = lo + (hi - lo) * rng.beta(2, 2.5, P)
    price = _money(price_cny, currency)
    margin = np.array([rng.uniform(*cats[c].margin) for c in category])
    cost = np.round(price * (1 - margin)).astype(np.int64)

    # Lifecycles: most products launched before the period, a few are new arrivals (上新) inside it.
    launch = -rng.integers(20, 420, P)
    newcomers = rng.random(P) < 0.1
    launch[newcomers] = rng.integers(0, max(1, days - 10), newcomers.sum())
    potential = np.clip(rng.lognormal(0.0, 0.9, P), 0.15, 4.0)  # no single listing takes the whole shop
    is_acc = np.isin(category, accessory_cats)
    potential[is_acc] *= 0.5
    rise = rng.uniform(8, 30, P)
    peak_age = rng.uniform(90, 420, P)
    decay = rng.uniform(150, 500, P)
    # The two hot products (爆款) the shop pushes: established main-range listings, still at their peak.
    hot = np.argsort(-np.where(~is_acc & (launch < 0), potential, -1.0))[:2]
    potential[hot] *= 2.0
    peak_age[hot] = np.maximum(peak_age[hot], days - launch[hot] + 60)

    cvr = (
        np.array([cats[c].cvr for c in category])
        * rng.lognormal(0, 0.25, P)
        * (199 / np.maximum(price_cny, 60)) ** 0.15
    )
    affinity = rng.lognormal(0, 0.2, (P, len(SOURCES)))
    ctr = rng.uniform(0.035, 0.075, P)
    bounce = rng.lognormal(0, 0.08, P)
    quality = np.clip(rng.normal(0.8, 0.06, P), 0.6, 0.93)

    # Bundle partners are established listings, so a set never starts or stops on its own inside the period.
    launched = launch < 0
    acc_idx = np.flatnonzero(is_acc & launched)
    if not len(acc_idx):
        acc_idx = np.flatnonzero(is_acc)
        launch[acc_idx] = np.minimum(launch[acc_idx], -30)
    partner = np.where(is_acc, -1, rng.choice(acc_idx, P))
    attach = np.where(is_acc, 0.0, rng.uniform(0.06, 0.18, P))
    # The two hot products sell as a set (套餐) with a full-price companion from the main range, which is what
    # lifts the shop's 客单价 — and what it loses when the set is taken down.
    mains = np.setdiff1d(np.flatnonzero(~is_acc & launched), hot)
    for h in hot:  # the companion is the main-range product priced nearest to 80 % of the hero
        partner[h] = int(mains[np.argmin(np.abs(price[mains] - 0.8 * price[h]))]) if len(mains) else partner[h]
    attach[hot] = rng.uniform(0.55, 0.7, 2)

    lead_time = rng.integers(5, 21, P)
    has_video = rng.random(P) < 0.6
    white_bg = rng.random(P) < 0.7
    sku = np.array([f"{theme.code}{index + 1}{i + 1:03d}" for i in range(P)])
    title = []
    used: set[str] = set()
    for c in category:
        names = cats[c].names_zh if lang == "zh" else cats[c].names_en
        base = names[int(rng.integers(len(names)))]
        styles = STYLES_ZH if lang == "zh" else STYLES_EN
        name, k = base, 0
        while name in used:  # a second product of the same kind gets a style word, as listings do
            style = styles[int(rng.integers(len(styles)))]
            name = f"{style}{base}" if lang == "zh" else f"{style} {base[0].lower()}{base[1:]}"
            k += 1
            if k > 20:
                name = f"{name} {len(used)}"
        used.add(name)
        title.append(name)
    image = np.array([image_hash(seed, store_id, s, 0) for s in sku])
    products = Products(
        sku,
        np.array(title),
        category,
        price,
        cost,
        launch,
        potential,
        rise,
        peak_age,
        decay,
        cvr,
        affinity,
        ctr,
        bounce,
        quality,
        partner,
        attach,
        lead_time,
        has_video,
        white_bg,
        image,
    )
    return Shop(
        index=index,
        store_id=store_id,
        name=theme.store_zh if lang == "zh" else theme.store_en,
        platform=platform,
        currency=currency,
        lang=lang,
        theme=theme,
        products=products,
        keywords=_keywords(rng, products, theme, lang, is_acc),
        agents=_agents(rng, P, lang),
        competitors=_competitors(rng, products, theme, lang, days, seed, store_id),
        coupon_threshold=int(np.median(price) * 1.3 // 1000 * 1000),
        coupon=int(np.median(price) * 0.08 // 100 * 100) or 100,
        free_shipping=4900 if currency == "CNY" else 3500,
        postage=600 if currency == "CNY" else 499,
    )


def _keywords(rng: np.random.Generator, p: Products, theme: Theme, lang: str, is_acc: np.ndarray) -> Keywords:
    """Paid keywords for the products the shop advertises (the better half, never accessories)."""
    order = np.argsort(-np.where(is_acc, -1, p.potential))
    advertised = order[: max(2, len(p.sku) // 2)]
    text, product, campaign, match, weight, ctr, cvr, bid0, ratio, rank = ([] for _ in range(10))
    seen: set[tuple[str, str]] = set()
    for i in advertised:
        cat = theme.categories[p.category[i]]
        pool = cat.keywords_zh if lang == "zh" else cat.keywords_en
        k = int(rng.integers(2, 5))
        picks = rng.choice(len(pool), min(k, len(pool)), replace=False)
        raw_w = rng.dirichlet(np.ones(len(picks)) * 2)
        hot = p.potential[i] >= np.quantile(p.potential, 0.85)
        plan = ("爆款计划" if hot else "日常推广") if lang == "zh" else ("Hero" if hot else "Always-on")
        for j, w in zip(picks, raw_w, strict=True):
            word = pool[j]
            camp = f"{plan}-{cat.zh if lang == 'zh' else cat.en}"
            if (camp, word) in seen:  # two products of a category may not bid on one word in one plan
                word = f"{word} {p.title[i].split()[0]}"
            seen.add((camp, word))
            text.append(word)
            product.append(i)
            campaign.append(camp)
            match.append(
                ("精准匹配" if lang == "zh" else "exact")
                if rng.random() < 0.4
                else ("广泛匹配" if lang == "zh" else "broad")
            )
            weight.append(w)
            ctr.append(rng.uniform(0.025, 0.065))
            cvr.append(rng.lognormal(0, 0.2))
            bid0.append(max(30.0, p.price[i] * rng.uniform(0.008, 0.016)))
            ratio.append(rng.uniform(1.05, 1.35))
            rank.append(rng.uniform(1.5, 8.0))
    return Keywords(
        np.array(text),
        np.array(product, dtype=np.int64),
        np.array(campaign),
        np.array(match),
        np.array(weight),
        np.array(ctr),
        np.array(cvr),
        np.array(bid0),
        np.array(ratio),
        np.array(rank),
    )


def _agents(rng: np.random.Generator, n_products: int, lang: str) -> Agents:
    n = int(np.clip(3 + n_products // 40, 3, 6))
    names = AGENTS_ZH if lang == "zh" else AGENTS_EN
    prefix = "客服-" if lang == "zh" else ""
    workdays = np.ones((n, 7), dtype=np.int64)
    for a in range(n):  # each agent takes one fixed day off a week
        workdays[a, (a * 3) % 7] = 0
    return Agents(
        np.array([prefix + names[a] for a in range(n)]),
        rng.uniform(0.38, 0.62, n),
        rng.uniform(12, 45, n),
        workdays,
    )


def _competitors(
    rng: np.random.Generator, p: Products, theme: Theme, lang: str, days: int, seed: int, store_id: str
) -> Competitors:
    names = theme.competitors_zh if lang == "zh" else theme.competitors_en
    kinds = ("leader", "leader", "peer", "peer")
    top = np.argsort(-p.potential)[: min(8, len(p.sku))]
    owner, listing, title, matched, price, sales, launch, image, elasticity = ([] for _ in range(9))
    for c, kind in enumerate(kinds):
        n = 5 if kind == "leader" else 4
        targets = rng.choice(top, min(n, len(top)), replace=False)
        for j in range(n + 1):
            new = j == n  # one listing per competitor is launched inside the period
            m = int(targets[j]) if j < len(targets) and not new else -1
            ref = p.price[m] if m >= 0 else int(np.median(p.price))
            rel = rng.uniform(0.85, 1.0) if kind == "leader" else rng.uniform(0.95, 1.12)
            owner.append(c)
            listing.append(f"C{c + 1}{j + 1:02d}{int(rng.integers(10**6, 10**7))}")
            title.append(p.title[m] if m >= 0 else p.title[int(rng.integers(len(p.sku)))])
            matched.append(m)
            price.append(max(99, int(round(ref * rel / 100)) * 100 - 1))
            sales.append(float(rng.uniform(800, 4000) if kind == "leader" else rng.uniform(150, 900)))
            launch.append(int(rng.integers(days // 4, days - days // 4)) if new else -int(rng.integers(30, 400)))
            image.append(image_hash(seed, store_id, "competitor", c, j))
            elasticity.append(1.0 if kind == "leader" else 1.8)
    return Competitors(
        names,
        kinds,
        np.array(owner, dtype=np.int64),
        np.array(listing),
        np.array(title),
        np.array(matched, dtype=np.int64),
        np.array(price, dtype=np.int64),
        np.array(sales),
        np.array(launch, dtype=np.int64),
        np.array(image),
        np.array(elasticity),
    )


def launch_date(start: date, launch: int) -> date:
    return start + timedelta(days=int(launch))
