"""Shopper-facing texts: store policies (store.toml) in en/nl/id/zh (zh = Traditional Chinese).

Facts used consistently here and in faq.py:
  ground floor (begane grond / lantai dasar / 一樓): footwear, socks, accessories,
      jewellery, tills and service desk
  first floor (eerste verdieping / lantai atas / 二樓): clothing, fitting rooms, toilets
  returns and exchanges within 30 days, unworn with tags, receipt or loyalty card;
  refund to the original payment method; sale items exchange only; earrings and
  swimwear not returnable or exchangeable unless faulty.
  Stride Club: 1 point per euro, 200 points = 10 euro voucher, free to join.
"""

LANGS = ["en", "nl", "id", "zh"]

POLICIES = {
    "returns": {
        "text": {
            "en": "You can return items within 30 days of purchase for a refund. Bring your receipt or the "
                  "loyalty card you used for the purchase; the item must be unworn with the original tags "
                  "attached. We refund to the original payment method. Sale items can be exchanged but not "
                  "refunded. For hygiene reasons, earrings and swimwear cannot be returned unless they are faulty.",
            "nl": "Je kunt artikelen binnen 30 dagen na aankoop retourneren en je geld terugkrijgen. Neem je "
                  "kassabon mee of de klantenkaart die je bij de aankoop hebt gebruikt; het artikel moet "
                  "ongedragen zijn en de originele labels moeten er nog aan zitten. We betalen terug via de "
                  "oorspronkelijke betaalmethode. Sale-artikelen kun je ruilen, maar niet retourneren voor geld "
                  "terug. Om hygi\u00ebnische redenen kunnen oorbellen en badkleding niet worden geretourneerd, "
                  "tenzij ze defect zijn.",
            "id": "Anda dapat mengembalikan barang dalam 30 hari setelah pembelian dan menerima pengembalian "
                  "dana. Bawa struk atau kartu loyalitas yang Anda gunakan saat membeli; barang harus belum "
                  "dipakai dan label aslinya masih terpasang. Dana dikembalikan ke metode pembayaran semula. "
                  "Barang sale hanya dapat ditukar, tidak dapat dikembalikan untuk refund. Demi kebersihan, "
                  "anting dan pakaian renang tidak dapat dikembalikan kecuali jika cacat.",
            "zh": "購買後30天內，可憑收據或購物時使用的會員卡辦理退貨退款。商品須未穿戴過，且原吊牌完整。"
                  "款項將退回原付款方式。特價商品僅可換貨，不可退款。基於衛生考量，耳環及泳衣除非有瑕疵，"
                  "否則恕不退貨。",
        },
        "steps": {
            "en": [
                "Within 30 days, bring the item, unworn and with the original tags attached, to the service "
                "desk at the tills on the ground floor.",
                "Show your receipt or the loyalty card you used for the purchase.",
                "Bring the payment card you paid with, so we can refund the amount to that card.",
                "The refund goes back to your original payment method; cash purchases are refunded in cash.",
            ],
            "nl": [
                "Breng het artikel binnen 30 dagen, ongedragen en met de originele labels, naar de "
                "servicebalie bij de kassa's op de begane grond.",
                "Laat je kassabon zien of de klantenkaart die je bij de aankoop hebt gebruikt.",
                "Neem de betaalpas of creditcard mee waarmee je hebt betaald, zodat we het bedrag daarop "
                "kunnen terugstorten.",
                "Je krijgt je geld terug via de oorspronkelijke betaalmethode; contante aankopen worden "
                "contant terugbetaald.",
            ],
            "id": [
                "Dalam 30 hari, bawa barang yang belum dipakai dan masih berlabel asli ke meja layanan di "
                "dekat kasir di lantai dasar.",
                "Tunjukkan struk atau kartu loyalitas yang Anda gunakan saat membeli.",
                "Bawa kartu pembayaran yang Anda gunakan, agar dana dapat dikembalikan ke kartu tersebut.",
                "Dana dikembalikan ke metode pembayaran semula; pembelian tunai dikembalikan secara tunai.",
            ],
            "zh": [
                "請於30天內，將未穿戴且吊牌完整的商品帶到一樓收銀台旁的服務櫃台。",
                "出示收據或購物時使用的會員卡。",
                "請攜帶付款時使用的金融卡或信用卡，以便將款項退回該卡。",
                "款項將退回原付款方式；以現金購買者以現金退款。",
            ],
        },
    },
    "exchanges": {
        "text": {
            "en": "You can exchange items within 30 days of purchase for another size, colour or product. The "
                  "item must be unworn with the original tags attached, and you need your receipt or loyalty "
                  "card. Sale items can also be exchanged within 30 days. If the new item costs more, you pay "
                  "the difference; if it costs less, you receive the difference on a Stride gift card. For "
                  "hygiene reasons, earrings and swimwear cannot be exchanged unless they are faulty.",
            "nl": "Je kunt artikelen binnen 30 dagen na aankoop ruilen voor een andere maat, kleur of een ander "
                  "product. Het artikel moet ongedragen zijn, met de originele labels eraan, en je hebt je "
                  "kassabon of klantenkaart nodig. Ook sale-artikelen kun je binnen 30 dagen ruilen. Is het "
                  "nieuwe artikel duurder, dan betaal je het verschil bij; is het goedkoper, dan krijg je het "
                  "verschil op een Stride-cadeaukaart. Om hygi\u00ebnische redenen kunnen oorbellen en badkleding "
                  "niet worden geruild, tenzij ze defect zijn.",
            "id": "Anda dapat menukar barang dalam 30 hari setelah pembelian dengan ukuran, warna, atau produk "
                  "lain. Barang harus belum dipakai dengan label asli masih terpasang, dan Anda memerlukan struk "
                  "atau kartu loyalitas. Barang sale juga dapat ditukar dalam 30 hari. Jika barang baru lebih "
                  "mahal, Anda membayar selisihnya; jika lebih murah, selisihnya diberikan dalam bentuk kartu "
                  "hadiah Stride. Demi kebersihan, anting dan pakaian renang tidak dapat ditukar kecuali jika cacat.",
            "zh": "購買後30天內，可將商品更換為其他尺寸、顏色或商品。商品須未穿戴過、原吊牌完整，並需出示收據"
                  "或會員卡。特價商品同樣可於30天內換貨。若新商品較貴，需補差額；若較便宜，差額將以Stride禮物卡"
                  "退還。基於衛生考量，耳環及泳衣除非有瑕疵，否則恕不更換。",
        },
        "steps": {
            "en": [
                "Within 30 days, bring the item, unworn and with the original tags attached, to the service "
                "desk at the tills on the ground floor.",
                "Show your receipt or the loyalty card you used for the purchase.",
                "Choose your new size, colour or product; staff will settle any price difference with you.",
            ],
            "nl": [
                "Breng het artikel binnen 30 dagen, ongedragen en met de originele labels, naar de "
                "servicebalie bij de kassa's op de begane grond.",
                "Laat je kassabon zien of de klantenkaart die je bij de aankoop hebt gebruikt.",
                "Kies je nieuwe maat, kleur of product; onze medewerkers regelen een eventueel prijsverschil "
                "met je.",
            ],
            "id": [
                "Dalam 30 hari, bawa barang yang belum dipakai dan masih berlabel asli ke meja layanan di "
                "dekat kasir di lantai dasar.",
                "Tunjukkan struk atau kartu loyalitas yang Anda gunakan saat membeli.",
                "Pilih ukuran, warna, atau produk baru; staf kami akan menyelesaikan selisih harga bersama Anda.",
            ],
            "zh": [
                "請於30天內，將未穿戴且吊牌完整的商品帶到一樓收銀台旁的服務櫃台。",
                "出示收據或購物時使用的會員卡。",
                "挑選新的尺寸、顏色或商品，店員會協助您處理差額。",
            ],
        },
    },
    "payment": {
        "text": {
            "en": "At the tills we accept debit cards, credit cards (Visa, Mastercard and American Express), "
                  "contactless and mobile payments with your phone or watch, cash and Stride gift cards. We do "
                  "not accept cheques. The kiosk cannot take payments: please pay at the tills on the ground floor.",
            "nl": "Bij de kassa's kun je betalen met je pinpas, creditcard (Visa, Mastercard en American "
                  "Express), contactloos of mobiel met je telefoon of horloge, contant en met Stride-cadeaukaarten. "
                  "Cheques accepteren we niet. Bij de kiosk kun je niet betalen: reken af bij de kassa's op de "
                  "begane grond.",
            "id": "Di kasir kami menerima kartu debit, kartu kredit (Visa, Mastercard, dan American Express), "
                  "pembayaran nirsentuh dan seluler dengan ponsel atau jam tangan, uang tunai, serta kartu hadiah "
                  "Stride. Kami tidak menerima cek. Kios tidak dapat menerima pembayaran; silakan bayar di kasir "
                  "di lantai dasar.",
            "zh": "收銀台接受金融卡、信用卡（Visa、Mastercard及American Express）、手機或手錶感應支付、現金"
                  "以及Stride禮物卡，恕不接受支票。自助服務機無法付款，請至一樓收銀台結帳。",
        },
    },
    "loyalty": {
        "text": {
            "en": "Stride Club is our free loyalty programme. You earn 1 point for every euro you spend, and "
                  "every 200 points give you a 10 euro voucher. Join for free at the counter, or ask a member of "
                  "staff at the kiosk to sign you up. Show your loyalty card when you pay to collect points; it "
                  "also works instead of a receipt for returns and exchanges.",
            "nl": "Stride Club is ons gratis klantenprogramma. Je spaart 1 punt voor elke euro die je besteedt, "
                  "en elke 200 punten leveren een waardebon van 10 euro op. Meld je gratis aan bij de balie, of "
                  "vraag een medewerker bij de kiosk om je in te schrijven. Laat je klantenkaart zien bij het "
                  "afrekenen om punten te sparen; bij retourneren en ruilen geldt de kaart ook als kassabon.",
            "id": "Stride Club adalah program loyalitas gratis kami. Anda mendapat 1 poin untuk setiap euro yang "
                  "dibelanjakan, dan setiap 200 poin dapat ditukar dengan voucher 10 euro. Daftar gratis di "
                  "konter, atau minta staf di kios untuk mendaftarkan Anda. Tunjukkan kartu loyalitas saat "
                  "membayar untuk mengumpulkan poin; kartu ini juga dapat menggantikan struk untuk pengembalian "
                  "dan penukaran.",
            "zh": "Stride Club是我們的免費會員計畫。每消費1歐元可累積1點，每200點可兌換10歐元折價券。可在"
                  "櫃台免費加入，或請自助服務機旁的店員協助登記。結帳時出示會員卡即可累積點數；退換貨時，"
                  "會員卡也可代替收據。",
        },
        "steps": {
            "en": [
                "Ask at the counter, or ask a member of staff at the kiosk.",
                "Give your name and email address; you receive your card straight away.",
                "Show your card every time you pay to collect 1 point per euro.",
            ],
            "nl": [
                "Vraag het aan de balie of aan een medewerker bij de kiosk.",
                "Geef je naam en e-mailadres door; je krijgt je kaart meteen mee.",
                "Laat je kaart bij elke aankoop zien en spaar 1 punt per euro.",
            ],
            "id": [
                "Tanyakan di konter atau kepada staf di dekat kios.",
                "Berikan nama dan alamat email Anda; kartu langsung Anda terima.",
                "Tunjukkan kartu setiap kali membayar untuk mengumpulkan 1 poin per euro.",
            ],
            "zh": [
                "請洽櫃台，或請自助服務機旁的店員協助。",
                "提供姓名及電子郵件地址，即可當場領取會員卡。",
                "每次結帳時出示會員卡，每消費1歐元累積1點。",
            ],
        },
    },
}
