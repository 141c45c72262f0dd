"""Hand-written base tables for the fictional demo store "Stride & Style Rotterdam".

Everything in this package is invented demo data: brands, products, address and
phone number are fictional. Category tables live in cat_*.py, vocabulary in
vocab.py and shopper-facing texts (policies, FAQ) in texts.py.
"""

STORE = {
    "id": "stride-rotterdam",
    "name": "Stride & Style Rotterdam",
    "language": "en",
    "currency": "EUR",
    "timezone": "Europe/Amsterdam",
    "address": "Lijnbaan 000, 3012 XX Rotterdam",
    "phone": "+31 10 000 0000",
    "low_stock_threshold": 3,
    "stock_as_of": "2026-11-22T22:00:00Z",
}

HOURS = [
    ("mon", "11:00-18:00"),
    ("tue", "10:00-18:00"),
    ("wed", "10:00-18:00"),
    ("thu", "10:00-18:00"),
    ("fri", "10:00-21:00"),
    ("sat", "10:00-18:00"),
    ("sun", "12:00-17:00"),
]

# id, zone, aisle, shelf, description.  Ground floor: footwear, socks,
# accessories, jewellery and the tills.  First floor: clothing, training gear,
# fitting rooms, toilets.  Lift next to the escalator.
LOCATIONS = [
    ("FW-RUN", "Footwear", "1", "A", "Running wall, left of the entrance (ground floor)"),
    ("FW-TRL", "Footwear", "1", "B", "Trail running shoes, next to the running wall (ground floor)"),
    ("FW-HIK", "Footwear", "1", "C", "Hiking boots, back of the footwear area (ground floor)"),
    ("FW-SNK", "Footwear", "2", "A", "Sneaker wall opposite the tills (ground floor)"),
    ("FW-FTB", "Footwear", "2", "B", "Football boots, team sports corner (ground floor)"),
    ("FW-SAN", "Footwear", "2", "C", "Sandals and slippers table by the fitting benches (ground floor)"),
    ("SOCK-SPT", "Socks", "3", "A", "Sports socks, end of the running wall (ground floor)"),
    ("SOCK-EVD", "Socks", "3", "B", "Everyday socks and multipacks, near the tills (ground floor)"),
    ("SOCK-HIK", "Socks", "3", "C", "Hiking socks, next to the hiking boots (ground floor)"),
    ("ACC-HEAD", "Accessories", "4", "A", "Caps and beanies, centre island (ground floor)"),
    ("ACC-WNT", "Accessories", "4", "B", "Gloves and scarves, centre island (ground floor)"),
    ("ACC-SUN", "Accessories", "4", "C", "Sunglasses stand by the front window (ground floor)"),
    ("ACC-BOT", "Accessories", "4", "D", "Water bottles, next to the tills (ground floor)"),
    ("ACC-WATCH", "Accessories", "5", "A", "Watch counter, locked cabinet - ask staff (ground floor)"),
    ("JWL-NCK", "Jewellery", "5", "B", "Necklaces and bracelets display, right of the entrance (ground floor)"),
    ("JWL-EAR", "Jewellery", "5", "C", "Earrings and rings display, right of the entrance (ground floor)"),
    ("OUT-RAIN", "Outdoor", "6", "A", "Rain jackets rail along the windows (first floor)"),
    ("OUT-DOWN", "Outdoor", "6", "B", "Down and insulated jackets (first floor)"),
    ("OUT-FLC", "Outdoor", "6", "C", "Fleece jackets and mid-layers (first floor)"),
    ("OUT-PACK", "Outdoor", "6", "D", "Backpacks wall, top of the escalator (first floor)"),
    ("RUN-TOP", "Running", "7", "A", "Running tops and base layers (first floor)"),
    ("RUN-BTM", "Running", "7", "B", "Running shorts and tights (first floor)"),
    ("TRN-WMN", "Training", "8", "A", "Sports bras and leggings (first floor)"),
    ("TRN-BTM", "Training", "8", "B", "Joggers and training trousers (first floor)"),
    ("TRN-EQP", "Training", "8", "C", "Yoga mats and fitness accessories (first floor)"),
    ("TRN-RKT", "Team Sports", "9", "A", "Tennis rackets, back wall (first floor)"),
    ("TRN-BALL", "Team Sports", "9", "B", "Footballs and gym bags, back wall (first floor)"),
    ("CAS-TEE", "Casual", "10", "A", "T-shirts and polo shirts (first floor)"),
    ("CAS-HOOD", "Casual", "10", "B", "Hoodies and sweaters (first floor)"),
    ("CAS-DNM", "Casual", "10", "C", "Denim wall with jeans and belts (first floor)"),
    ("WMN-DRS", "Womenswear", "11", "A", "Dresses and skirts, near the fitting rooms (first floor)"),
    ("WMN-SWM", "Womenswear", "11", "B", "Swimwear, all year round (first floor)"),
]

# name -> (SKU code, 4-digit barcode company number).  Single-word names so the
# brand is always the first word of a product title.
BRANDS = {
    "Velora": ("VEL", "1101"),
    "Aerion": ("AER", "1102"),
    "Kestrel": ("KES", "1103"),
    "Nordkap": ("NOR", "1104"),
    "Ridgeline": ("RDG", "1105"),
    "Urbanic": ("URB", "1106"),
    "Maasworks": ("MAA", "1107"),
    "Luma": ("LUM", "1108"),
    "Aurelle": ("AUR", "1109"),
    "Solenne": ("SOL", "1110"),
    "Tidewave": ("TID", "1111"),
    "Strikon": ("STK", "1112"),
    "Courtline": ("CRT", "1113"),
    "Sanvi": ("SAN", "1114"),
    "Forgefit": ("FRG", "1115"),
    "Meridian": ("MRD", "1116"),
    "Footnote": ("FTN", "1117"),
    "Merinova": ("MRN", "1118"),
    "Snugg": ("SNG", "1119"),
    "Polaris": ("POL", "1120"),
}

# The only colour values allowed in variants.csv, with SKU codes.
COLORS = {
    "Black": "BLK",
    "White": "WHT",
    "Grey": "GRY",
    "Navy": "NVY",
    "Blue": "BLU",
    "Red": "RED",
    "Green": "GRN",
    "Olive": "OLV",
    "Yellow": "YEL",
    "Orange": "ORG",
    "Pink": "PNK",
    "Purple": "PUR",
    "Beige": "BEI",
    "Brown": "BRN",
    "Silver": "SLV",
    "Gold": "GLD",
    "Rose Gold": "RGD",
    "Multicolour": "MLT",
    "Khaki": "KHK",
    "Burgundy": "BUR",
}

SHOE_SIZES = ["6", "6.5", "7", "7.5", "8", "8.5", "9", "9.5", "10", "10.5", "11", "12"]
LETTER_SIZES = ["XS", "S", "M", "L", "XL", "XXL"]
WAIST_SIZES = ["28", "29", "30", "31", "32", "33", "34", "36"]
RING_SIZES = ["6", "7", "8", "9"]
ONE_SIZE = "One Size"

# Named size sets; categories refer to these per gender.
SIZE_SETS = {
    "run_m": ["7", "7.5", "8", "8.5", "9", "9.5", "10", "10.5", "11", "12"],
    "run_w": ["6", "6.5", "7", "7.5", "8", "8.5", "9", "9.5", "10"],
    "shoe_m": ["7", "8", "8.5", "9", "9.5", "10", "10.5", "11", "12"],
    "shoe_w": ["6", "6.5", "7", "7.5", "8", "8.5", "9", "10"],
    "shoe_u": ["6", "7", "8", "8.5", "9", "9.5", "10", "11", "12"],
    "whole_u": ["6", "7", "8", "9", "10", "11", "12"],
    "whole_w": ["6", "7", "8", "9", "10"],
    "app_m": ["S", "M", "L", "XL", "XXL"],
    "app_w": ["XS", "S", "M", "L", "XL"],
    "app_u": ["XS", "S", "M", "L", "XL", "XXL"],
    "app_k": ["XS", "S", "M"],
    "jeans_m": ["28", "29", "30", "31", "32", "33", "34", "36"],
    "jeans_w": ["28", "29", "30", "31", "32"],
    "socks": ["S", "M", "L"],
    "gloves": ["S", "M", "L", "XL"],
    "rings": ["6", "7", "8", "9"],
    "os": [ONE_SIZE],
}

# Display labels used in titles ("Velora Glide 5 Women's Running Shoe").
GENDER_LABEL = {"men": "Men's", "women": "Women's", "kids": "Kids'"}
