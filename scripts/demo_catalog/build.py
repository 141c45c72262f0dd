"""Deterministic construction of products, variants and stock from the tables.

All randomness comes from the single random.Random passed in by make.py, so
the output only depends on the tables and the seed.
"""

import re
import unicodedata

from data import BRANDS, COLORS, SIZE_SETS, GENDER_LABEL, ONE_SIZE
from cat_footwear import FOOTWEAR
from cat_clothing import CLOTHING
from cat_accessories import (SOCKS, ACCESSORIES, JEWELLERY, EQUIPMENT, JEWELLERY_MATERIALS,
                             JEWELLERY_DETAILS, SOCK_SIZE_NOTE, SOCK_ONE_SIZE_NOTE)

CATEGORIES = FOOTWEAR + CLOTHING + SOCKS + ACCESSORIES + JEWELLERY + EQUIPMENT
SOCK_CATEGORIES = {c["name"] for c in SOCKS}

# words in model names that become tags (mainly jewellery)
MODEL_KEYWORDS = ["hoop", "stud", "pendant", "pearl", "chain", "charm", "bangle", "cuff", "heart",
                  "star", "moon", "crystal", "signet", "stacking", "drop", "choker", "tennis",
                  "solitaire", "threader", "huggie", "climber", "coin", "disc", "beaded", "leather",
                  "steel", "insulated", "kids", "junior", "futsal", "thermal", "cargo", "wide leg",
                  "slim", "skinny", "straight", "bootcut", "oversized", "cropped", "wrap", "maxi",
                  "midi", "mini", "pleated", "compression", "3-pack", "5-pack", "pom-pom",
                  "touchscreen", "laptop", "rolltop", "aviator", "round", "cat eye", "cork"]

SKIP_CODE_WORDS = {"ml", "mm", "kg", "x", "l", "inch"}


def slugify(text):
    text = text.replace("'", "").replace("\u2019", "")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text.lower())
    return text.strip("-")


def fmt_price(value):
    return "%.2f" % value


def snap_price(value, style, lo=None, hi=None):
    """Round a raw price to a retail price point (x4.95/x9.95, x.99, x9.00)."""
    if style == "95":
        step, price = 5.0, round(value / 5.0) * 5.0 - 0.05
    elif style == "99":
        step, price = 1.0, round(value) - 0.01
    elif style == "x95":
        step, price = 1.0, round(value) - 0.05
    elif style == "00":
        step, price = 10.0, round(value / 10.0) * 10.0 - 1.0
    else:
        raise ValueError(style)
    if lo is not None:
        while price < lo - 1e-9:
            price += step
    if hi is not None:
        while price > hi + 1e-9:
            price -= step
    return round(price, 2)


def ean13(first12):
    digits = [int(c) for c in first12]
    total = sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return first12 + str((10 - total % 10) % 10)


def ean13_valid(code):
    return len(code) == 13 and code.isdigit() and ean13(code[:12]) == code


def model_code(model):
    words = re.findall(r"[A-Za-z]+|\d+", model)
    letters = [w for w in words if w.isalpha() and w.lower() not in SKIP_CODE_WORDS]
    digits = "".join(w for w in words if w.isdigit())
    code = ""
    if letters:
        code = letters[0][:3].upper() + "".join(w[0].upper() for w in letters[1:4])
    return code + digits


def size_code(size):
    return "OS" if size == ONE_SIZE else size


def pick_colors(rng, spec):
    weights = spec["ncolors"]
    n = rng.choices([1, 2, 3, 4], weights=weights)[0]
    pool = list(spec["colors"])
    chosen = []
    if "Black" in pool and rng.random() < spec["black"]:
        chosen.append("Black")
    others = [c for c in pool if c not in chosen]
    rng.shuffle(others)
    chosen += others[:max(0, n - len(chosen))]
    return chosen


def pick_sizes(rng, key, keep=()):
    sizes = list(SIZE_SETS[key])
    if len(sizes) >= 5:
        r = rng.random()
        if r < 0.2 and sizes[0] not in keep:
            sizes = sizes[1:]
        elif r < 0.4 and sizes[-1] not in keep:
            sizes = sizes[:-1]
    return sizes


def unique(seq):
    out = []
    for x in seq:
        x = x.strip().lower()
        if x and x not in out:
            out.append(x)
    return out


def build_products(rng):
    products = []
    for spec in CATEGORIES:
        cat = spec["name"]
        for i, entry in enumerate(spec["models"]):
            m = dict(entry) if isinstance(entry, dict) else {"m": entry}
            brand = m.get("brand") or spec["brands"][i % len(spec["brands"])]
            gender = m.get("gender") or spec.get("genders", ["unisex"])[i % len(spec.get("genders", ["unisex"]))]
            noun = m.get("noun", spec["noun"])
            label = ""
            if m.get("label", True) and gender in spec.get("label", [] if spec.get("jewellery") else ["men", "women", "kids"]):
                label = GENDER_LABEL.get(gender, "")
            title = " ".join(w for w in [brand, m["m"], label, noun] if w) + m.get("suffix", "")

            tags = list(spec["tags"])
            sentences = []
            if spec.get("jewellery"):
                colors = list(m["colors"])
                mat_index = m["mat"]
                phrase, mat_tags = JEWELLERY_MATERIALS[mat_index]
                extra = ""
                plated = [c for c in colors if c in ("Gold", "Rose Gold")]
                if mat_index == 0 and plated:
                    extra = "; the " + " and ".join(plated) + " version%s %s plated with 18k gold" % (
                        "s" if len(plated) > 1 else "", "are" if len(plated) > 1 else "is")
                elif mat_index == 1 and "Silver" in colors:
                    extra = "; also available in plain sterling silver"
                sentences = [m["look"], phrase + extra + "."]
                sentences += spec.get("extra_details") or [rng.choice(JEWELLERY_DETAILS)]
                tags += mat_tags
            elif "desc" in m:
                colors = list(m["colors"])
                mat_index = None
                sentences = [m["desc"]]
            else:
                colors = list(m["colors"]) if "colors" in m else pick_colors(rng, spec)
                mat_index = m["mat"] if "mat" in m else rng.randrange(len(spec["materials"]))
                phrase, mat_tags = spec["materials"][mat_index]
                intro, intro_tags = rng.choice(spec["intros"])
                sentences = [intro.format(mat=phrase)]
                k = 1 if cat in SOCK_CATEGORIES else rng.choice([1, 1, 2])
                sentences += rng.sample(spec["details"], k)
                tags += intro_tags + mat_tags

            size_key = m.get("sizes") or spec.get("sizes", {}).get(gender, "os")
            keep = ("9", "M")
            sizes = pick_sizes(rng, size_key, keep) if size_key != "os" else [ONE_SIZE]
            if cat in SOCK_CATEGORIES:
                sentences.append(SOCK_ONE_SIZE_NOTE if sizes == [ONE_SIZE] else SOCK_SIZE_NOTE)

            lower_model = m["m"].lower()
            tags += [kw for kw in MODEL_KEYWORDS if kw in lower_model]
            tags += m.get("tags", [])
            tags.append(gender)

            if "price" in m:
                price = round(float(m["price"]), 2)
            else:
                lo, hi, style = spec["price"]
                raw = rng.uniform(lo, hi)
                if gender == "kids":
                    # kids' sizes: roughly 70-120% of the category's lowest adult price
                    price = snap_price(lo * (0.7 + 0.5 * (raw - lo) / (hi - lo)), style, lo=9.95)
                else:
                    price = snap_price(raw, style, lo, hi)

            products.append({
                "id": slugify(title),
                "title": title,
                "brand": brand,
                "category": cat,
                "description": " ".join(sentences),
                "tags": unique(tags),
                "price": price,
                "location": spec["location"],
                "image": "",
                "goes_with": list(spec.get("goes_with", [])),
                # internal fields (not written)
                "gender": gender,
                "model": m["m"],
                "colors": colors,
                "sizes": sizes,
                "mat": mat_index,
                "jewellery": bool(spec.get("jewellery")),
                "xxl_extra": bool(spec.get("xxl_extra")),
            })
    return products


def build_variants(products):
    variants = []
    used_codes = {}
    counters = {}
    for p in products:
        bcode, ean_company = BRANDS[p["brand"]]
        code = model_code(p["model"])
        taken = used_codes.setdefault(p["brand"], set())
        if code in taken:
            code += "".join(w[0] for w in p["category"].upper().replace("-", " ").split())
        n = 2
        base = code
        while code in taken:
            code = "%s%d" % (base, n)
            n += 1
        taken.add(code)
        p["sku_code"] = code
        for color in p["colors"]:
            for size in p["sizes"]:
                counters[p["brand"]] = counters.get(p["brand"], 10000) + 1
                barcode = ean13("20" + ean_company + "%06d" % counters[p["brand"]])
                vprice = ""
                if p["xxl_extra"] and size == "XXL":
                    vprice = fmt_price(p["price"] + 5.0)
                elif p["jewellery"] and p["mat"] == 0 and color in ("Gold", "Rose Gold") and len(p["colors"]) > 1:
                    vprice = fmt_price(p["price"] + 5.0)
                variants.append({
                    "sku": "-".join([bcode, code, COLORS[color], size_code(size)]),
                    "product_id": p["id"],
                    "size": size,
                    "color": color,
                    "price": vprice,
                    "barcode": barcode,
                })
    return variants


def random_quantity(rng):
    r = rng.random()
    if r < 0.115:
        return 0
    if r < 0.215:
        return rng.randint(1, 3)
    return int(4 + 36 * rng.random() ** 1.7)


def build_stock(rng, products, variants):
    """Random stock plus the designed demo cases.  Returns (stock, cases)."""
    stock = {v["sku"]: random_quantity(rng) for v in variants}
    by_product = {}
    for v in variants:
        by_product.setdefault(v["product_id"], []).append(v)

    def find(pid, color=None, size=None):
        return [v for v in by_product[pid]
                if (color is None or v["color"] == color) and (size is None or v["size"] == size)]

    def ensure(vs, low=4, high=12):
        for v in vs:
            if stock[v["sku"]] < low:
                stock[v["sku"]] = rng.randint(low, high)

    cases = {}
    # Every product has at least one variant in stock (the designed sold-out one follows later).
    for pid, vs in by_product.items():
        if all(stock[v["sku"]] == 0 for v in vs):
            stock[vs[0]["sku"]] = rng.randint(4, 12)

    run = [p for p in products if p["category"] == "Running Shoes"
           and "Black" in p["colors"] and len(p["colors"]) >= 2 and "9" in p["sizes"]]
    # Size 9 Black sold out, everything else of the shoe in stock.
    cases["running_size9_black_out"] = [p["id"] for p in run[:2]]
    for p in run[:2]:
        ensure([v for v in by_product[p["id"]] if not (v["color"] == "Black" and v["size"] == "9")])
        for v in find(p["id"], "Black", "9"):
            stock[v["sku"]] = 0
    # Size 9 (including Black) in stock.
    for p in run[2:5]:
        ensure(find(p["id"], size="9"), 5, 14)
    cases["running_size9_black_in_stock"] = [
        p["id"] for p in products if p["category"] == "Running Shoes"
        and any(stock[v["sku"]] > 0 for v in find(p["id"], "Black", "9"))]
    cases["running_size9_in_stock"] = [
        p["id"] for p in products if p["category"] == "Running Shoes"
        and any(stock[v["sku"]] > 0 for v in find(p["id"], size="9"))]

    # Necklaces under 20 euro, all in stock.
    cheap = [p for p in products if p["category"] == "Necklaces" and p["price"] < 20.0]
    for p in cheap:
        ensure(by_product[p["id"]], 4, 15)
    cases["necklaces_under_20_in_stock"] = [p["id"] for p in cheap]

    # Sterling silver earrings in stock in Silver.
    silver = [p for p in products if p["category"] == "Earrings" and p["mat"] == 0 and "Silver" in p["colors"]]
    for p in silver:
        ensure(find(p["id"], "Silver"), 4, 15)
    cases["silver_earrings_in_stock"] = [p["id"] for p in silver]

    # Rain jackets: Black M out on one jacket, Black in stock on the others.
    rain = [p for p in products if p["category"] == "Rain Jackets" and "Black" in p["colors"]
            and len(p["colors"]) >= 2 and "M" in p["sizes"] and p["gender"] != "kids"]
    target = rain[0]
    ensure([v for v in by_product[target["id"]] if not (v["color"] == "Black" and v["size"] == "M")])
    for v in find(target["id"], "Black", "M"):
        stock[v["sku"]] = 0
    cases["rain_jacket_black_m_out"] = [target["id"]]
    for p in products:
        if p["category"] == "Rain Jackets" and p is not target and "Black" in p["colors"]:
            ensure(find(p["id"], "Black", "M") + find(p["id"], "Black", "L"), 4, 12)
    cases["rain_jackets_black_in_stock"] = [
        p["id"] for p in products if p["category"] == "Rain Jackets"
        and any(stock[v["sku"]] > 0 for v in find(p["id"], "Black"))]

    # One product completely sold out: a down jacket, mid-season.
    sold_out = [p for p in products if p["category"] == "Down Jackets"][-1]
    for v in by_product[sold_out["id"]]:
        stock[v["sku"]] = 0
    cases["fully_out_of_stock"] = [sold_out["id"]]
    return stock, cases
