"""FAQ entries: key (the faq id), tags, then (question, answer) in en, nl, id, zh (Traditional).

Facts must agree with texts.py (floors, 30 days, Stride Club numbers, no
student discount, no price matching, no reservations from the kiosk).
"""

FAQ = [
    {
        "key": "gift-wrapping",
        "tags": ["gift", "wrapping", "present", "gift receipt"],
        "en": ("Do you offer gift wrapping?",
               "Yes, gift wrapping is free at the tills on the ground floor; just ask when you pay. We can "
               "also give you a gift receipt without prices, so the present can be exchanged."),
        "nl": ("Kunnen jullie een cadeau inpakken?",
               "Ja, inpakken is gratis bij de kassa's op de begane grond; vraag het gewoon bij het afrekenen. "
               "We geven je ook graag een ruilbon zonder prijzen, zodat het cadeau geruild kan worden."),
        "id": ("Apakah ada layanan bungkus kado?",
               "Ya, bungkus kado gratis di kasir di lantai dasar; cukup minta saat membayar. Kami juga dapat "
               "memberikan struk hadiah tanpa harga, sehingga hadiah dapat ditukar."),
        "zh": ("可以幫忙包裝禮物嗎？",
               "可以，一樓收銀台提供免費禮物包裝，結帳時告訴店員即可。我們也能提供不顯示價格的禮物收據，"
               "方便收禮者換貨。"),
    },
    {
        "key": "fitting-rooms",
        "tags": ["fitting rooms", "changing rooms", "try on"],
        "en": ("Where are the fitting rooms?",
               "The fitting rooms are on the first floor, next to the dresses and skirts. You can take up to "
               "6 items in at a time, and there is an accessible fitting room. Shoes can be tried on at the "
               "benches in the footwear area on the ground floor."),
        "nl": ("Waar zijn de paskamers?",
               "De paskamers zijn op de eerste verdieping, naast de jurken en rokken. Je mag maximaal 6 "
               "artikelen tegelijk meenemen en er is een toegankelijke paskamer. Schoenen pas je op de bankjes "
               "bij de schoenenafdeling op de begane grond."),
        "id": ("Di mana kamar pas?",
               "Kamar pas ada di lantai atas, di sebelah area gaun dan rok. Anda boleh membawa maksimal 6 barang "
               "sekaligus, dan tersedia kamar pas yang ramah kursi roda. Sepatu dapat dicoba di bangku area "
               "sepatu di lantai dasar."),
        "zh": ("試衣間在哪裡？",
               "試衣間位於二樓，洋裝與裙子區旁邊。每次最多可帶6件商品進入，另設有無障礙試衣間。鞋子可在"
               "一樓鞋區的試穿椅上試穿。"),
    },
    {
        "key": "pickup-list",
        "tags": ["pickup list", "click and collect", "online order", "collect"],
        "en": ("Do you have click & collect? How does the pickup list work?",
               "We do not offer online orders or click & collect. On the kiosk you can add products to a "
               "pickup list: it shows the aisle and shelf of each item, so you can collect them in the store. "
               "Staff are happy to help you find anything on your list."),
        "nl": ("Hebben jullie click & collect? Hoe werkt de ophaallijst?",
               "We bieden geen online bestellingen of click & collect aan. Op de kiosk kun je producten op een "
               "ophaallijst zetten: die laat per artikel het gangpad en het schap zien, zodat je alles zelf in "
               "de winkel kunt pakken. Onze medewerkers helpen je graag iets op je lijst te vinden."),
        "id": ("Apakah ada layanan click & collect? Bagaimana cara kerja daftar ambil?",
               "Kami tidak melayani pesanan online atau click & collect. Di kios Anda dapat menambahkan produk ke "
               "daftar ambil: daftar ini menunjukkan lorong dan rak setiap barang, sehingga Anda dapat "
               "mengambilnya sendiri di toko. Staf kami siap membantu mencari barang di daftar Anda."),
        "zh": ("有網購店取服務嗎？取貨清單怎麼用？",
               "本店不提供網路訂購或店取服務。您可以在自助服務機上把商品加入取貨清單，清單會顯示每件商品的"
               "走道與貨架位置，方便您在店內自行拿取。店員也很樂意協助您找到清單上的商品。"),
    },
    {
        "key": "gift-cards",
        "tags": ["gift card", "voucher", "present"],
        "en": ("Do you sell gift cards?",
               "Yes, Stride gift cards are sold at the tills in any amount from 10 to 250 euros. They are valid "
               "for 2 years and can be used in this store. You can check the balance at the tills."),
        "nl": ("Verkopen jullie cadeaukaarten?",
               "Ja, Stride-cadeaukaarten zijn bij de kassa's verkrijgbaar voor elk bedrag van 10 tot 250 euro. "
               "Ze zijn 2 jaar geldig en te gebruiken in deze winkel. Het saldo kun je bij de kassa's opvragen."),
        "id": ("Apakah menjual kartu hadiah?",
               "Ya, kartu hadiah Stride dijual di kasir dengan nominal berapa pun dari 10 sampai 250 euro. Kartu "
               "berlaku 2 tahun dan dapat digunakan di toko ini. Saldo dapat dicek di kasir."),
        "zh": ("有賣禮物卡嗎？",
               "有，收銀台販售Stride禮物卡，金額可自訂，從10到250歐元皆可。禮物卡效期2年，可在本店使用，"
               "餘額可在收銀台查詢。"),
    },
    {
        "key": "shoe-sizes",
        "tags": ["shoe size", "size chart", "us size", "eu size", "conversion"],
        "en": ("Which shoe sizes do you use? How do US sizes convert to EU sizes?",
               "Our shoe sizes are US sizes. Men: US 7 = EU 40, US 8 = EU 41, US 9 = EU 42.5, US 10 = EU 44, "
               "US 11 = EU 45, US 12 = EU 46. Women: US 6 = EU 36.5, US 7 = EU 38, US 8 = EU 39, "
               "US 9 = EU 40.5, US 10 = EU 42. Sizes differ a little between brands, so try them on; staff can "
               "measure your feet."),
        "nl": ("Welke schoenmaten gebruiken jullie? Hoe reken ik US-maten om naar EU-maten?",
               "Onze schoenmaten zijn Amerikaanse (US) maten. Heren: US 7 = EU 40, US 8 = EU 41, US 9 = EU 42,5, "
               "US 10 = EU 44, US 11 = EU 45, US 12 = EU 46. Dames: US 6 = EU 36,5, US 7 = EU 38, US 8 = EU 39, "
               "US 9 = EU 40,5, US 10 = EU 42. De maten verschillen iets per merk, dus pas ze even; onze "
               "medewerkers kunnen je voeten opmeten."),
        "id": ("Ukuran sepatu apa yang dipakai? Bagaimana konversi ukuran US ke EU?",
               "Ukuran sepatu kami adalah ukuran US. Pria: US 7 = EU 40, US 8 = EU 41, US 9 = EU 42,5, "
               "US 10 = EU 44, US 11 = EU 45, US 12 = EU 46. Wanita: US 6 = EU 36,5, US 7 = EU 38, "
               "US 8 = EU 39, US 9 = EU 40,5, US 10 = EU 42. Ukuran bisa sedikit berbeda antar merek, jadi "
               "sebaiknya dicoba; staf kami dapat mengukur kaki Anda."),
        "zh": ("鞋子用哪種尺碼？美國尺碼怎麼換算成歐洲尺碼？",
               "本店鞋款標示美國尺碼（US）。男款：US 7 = EU 40、US 8 = EU 41、US 9 = EU 42.5、US 10 = EU 44、"
               "US 11 = EU 45、US 12 = EU 46。女款：US 6 = EU 36.5、US 7 = EU 38、US 8 = EU 39、"
               "US 9 = EU 40.5、US 10 = EU 42。各品牌尺寸略有差異，建議實際試穿；店員也可以幫您量腳。"),
    },
    {
        "key": "price-matching",
        "tags": ["price match", "price", "cheaper elsewhere"],
        "en": ("Do you match prices from other shops?",
               "No, we do not match prices from other shops or websites. Our staff are happy to help you find a "
               "similar item that fits your budget."),
        "nl": ("Nemen jullie de prijs van andere winkels over?",
               "Nee, we passen onze prijzen niet aan aan die van andere winkels of websites. Onze medewerkers "
               "helpen je graag een vergelijkbaar artikel te vinden dat binnen je budget past."),
        "id": ("Apakah bisa menyamakan harga dengan toko lain?",
               "Tidak, kami tidak menyamakan harga dengan toko atau situs web lain. Staf kami siap membantu "
               "mencarikan barang serupa yang sesuai dengan anggaran Anda."),
        "zh": ("可以比照其他商店的價格嗎？",
               "抱歉，本店不比照其他商店或網站的價格。店員很樂意協助您找到符合預算的類似商品。"),
    },
    {
        "key": "parking",
        "tags": ["parking", "car park", "bike", "bicycle"],
        "en": ("Is there parking nearby?",
               "We do not have our own car park. There are public car parks within a few minutes' walk in the "
               "city centre, and staff can point you to the nearest one. Bicycle racks are in front of the store."),
        "nl": ("Kan ik in de buurt parkeren?",
               "We hebben geen eigen parkeerplaats. Op een paar minuten lopen zijn openbare parkeergarages in "
               "het centrum; onze medewerkers wijzen je graag de dichtstbijzijnde. Fietsenrekken staan voor de "
               "winkel."),
        "id": ("Apakah ada tempat parkir di dekat sini?",
               "Kami tidak memiliki tempat parkir sendiri. Ada gedung parkir umum di pusat kota yang dapat "
               "dicapai dengan berjalan kaki beberapa menit, dan staf kami dapat menunjukkan yang terdekat. Rak "
               "sepeda tersedia di depan toko."),
        "zh": ("附近有停車場嗎？",
               "本店沒有專屬停車場。市中心步行幾分鐘內就有公共停車場，店員可以告訴您最近的一處。店門口設有"
               "腳踏車停車架。"),
    },
    {
        "key": "toilets",
        "tags": ["toilet", "restroom", "bathroom", "baby changing", "wc", "toiletten", "kamar kecil", "洗手間"],
        "en": ("Are there customer toilets?",
               "Yes, free customer toilets are on the first floor next to the fitting rooms, including an "
               "accessible toilet with a baby changing table."),
        "nl": ("Is er een klantentoilet?",
               "Ja, er zijn gratis klantentoiletten op de eerste verdieping naast de paskamers, waaronder een "
               "toegankelijk toilet met een babyverschoontafel."),
        "id": ("Apakah ada toilet untuk pelanggan?",
               "Ya, toilet pelanggan gratis tersedia di lantai atas di sebelah kamar pas, termasuk toilet ramah "
               "kursi roda dengan meja ganti popok."),
        "zh": ("有顧客可以使用的廁所嗎？",
               "有，二樓試衣間旁設有免費顧客廁所，包括附尿布台的無障礙廁所。"),
    },
    {
        "key": "wifi",
        "tags": ["wifi", "wi-fi", "internet"],
        "en": ("Is there free Wi-Fi?",
               "Yes, connect to the network Stride-Guest. No password is needed; just accept the terms on the "
               "welcome page."),
        "nl": ("Is er gratis wifi?",
               "Ja, maak verbinding met het netwerk Stride-Guest. Je hebt geen wachtwoord nodig; accepteer "
               "alleen de voorwaarden op de welkomstpagina."),
        "id": ("Apakah ada Wi-Fi gratis?",
               "Ya, sambungkan ke jaringan Stride-Guest. Tidak perlu kata sandi; cukup setujui syarat dan "
               "ketentuan di halaman sambutan."),
        "zh": ("有免費Wi-Fi嗎？",
               "有，請連線至Stride-Guest網路，不需要密碼，只要在歡迎頁面同意使用條款即可。"),
    },
    {
        "key": "student-discount",
        "tags": ["student discount", "discount", "student"],
        "en": ("Do you have a student discount?",
               "No, we do not offer a student discount. You can join our free Stride Club loyalty programme: "
               "you earn 1 point per euro, and 200 points give you a 10 euro voucher."),
        "nl": ("Hebben jullie studentenkorting?",
               "Nee, we geven geen studentenkorting. Je kunt wel gratis lid worden van Stride Club: je spaart "
               "1 punt per euro en 200 punten leveren een waardebon van 10 euro op."),
        "id": ("Apakah ada diskon pelajar atau mahasiswa?",
               "Tidak, kami tidak memberikan diskon pelajar. Anda dapat bergabung gratis dengan program "
               "loyalitas Stride Club: 1 poin per euro, dan 200 poin dapat ditukar dengan voucher 10 euro."),
        "zh": ("有學生折扣嗎？",
               "抱歉，本店沒有學生折扣。歡迎免費加入Stride Club會員：每消費1歐元累積1點，200點可兌換10歐元"
               "折價券。"),
    },
    {
        "key": "gait-analysis",
        "tags": ["gait analysis", "running shoes", "running", "fitting"],
        "en": ("Can I get a gait analysis for running shoes?",
               "Yes, we offer a free gait analysis at the running wall on the ground floor. It takes about 15 "
               "minutes and no appointment is needed; just ask a member of staff. Saturdays are busy, so "
               "weekday mornings are quieter."),
        "nl": ("Kan ik een loopanalyse laten doen voor hardloopschoenen?",
               "Ja, we doen gratis loopanalyses bij de hardloopwand op de begane grond. Het duurt ongeveer 15 "
               "minuten en je hebt geen afspraak nodig; vraag het gewoon aan een medewerker. Op zaterdag is het "
               "druk, doordeweekse ochtenden zijn rustiger."),
        "id": ("Apakah bisa analisis gaya lari untuk memilih sepatu lari?",
               "Ya, kami menyediakan analisis gaya lari gratis di dinding sepatu lari di lantai dasar. Prosesnya "
               "sekitar 15 menit dan tidak perlu janji temu; cukup tanyakan kepada staf. Hari Sabtu biasanya "
               "ramai, pagi hari kerja lebih sepi."),
        "zh": ("可以做跑步步態分析來挑跑鞋嗎？",
               "可以，一樓跑鞋牆提供免費步態分析，大約15分鐘，不需預約，直接詢問店員即可。週六人潮較多，"
               "平日上午比較空閒。"),
    },
    {
        "key": "repairs-alterations",
        "tags": ["repair", "alterations", "hemming", "faulty", "warranty"],
        "en": ("Do you do repairs or alterations?",
               "We do not alter or repair clothing or shoes in the store, and we cannot shorten jeans; staff can "
               "recommend a tailor nearby. If a product is faulty, bring it to the service desk with your receipt "
               "or loyalty card and we will repair, replace or refund it."),
        "nl": ("Doen jullie reparaties of vermaken jullie kleding?",
               "We vermaken en repareren geen kleding of schoenen in de winkel en kunnen geen spijkerbroeken "
               "inkorten; onze medewerkers kunnen een kleermaker in de buurt aanraden. Is een product defect, "
               "breng het dan met je kassabon of klantenkaart naar de servicebalie en we laten het repareren, "
               "vervangen het of betalen je terug."),
        "id": ("Apakah melayani perbaikan atau permak pakaian?",
               "Kami tidak melayani permak atau perbaikan pakaian dan sepatu di toko, dan tidak dapat memotong "
               "celana jeans; staf kami dapat merekomendasikan penjahit terdekat. Jika produk cacat, bawa ke meja "
               "layanan bersama struk atau kartu loyalitas, dan kami akan memperbaiki, mengganti, atau "
               "mengembalikan dana Anda."),
        "zh": ("可以修改衣服或維修商品嗎？",
               "本店不提供衣物或鞋子的修改與維修，也無法幫牛仔褲改短，店員可以推薦附近的裁縫店。若商品有"
               "瑕疵，請攜帶收據或會員卡至服務櫃台，我們會為您維修、更換或退款。"),
    },
    {
        "key": "back-in-stock",
        "tags": ["back in stock", "notification", "sold out", "delivery"],
        "en": ("Can the kiosk tell me when an item is back in stock?",
               "Yes. When a size or colour is sold out, tap \u201cNotify me\u201d and type your e-mail address or "
               "phone number. The store contacts you once when it is back, and uses your details for nothing "
               "else. New stock usually arrives on Tuesdays and Fridays."),
        "nl": ("Kan de kiosk me laten weten wanneer iets weer op voorraad is?",
               "Ja. Is een maat of kleur uitverkocht, tik dan op \u201eLaat het me weten\u201d en typ je e-mailadres "
               "of telefoonnummer. De winkel neemt \u00e9\u00e9n keer contact op zodra het er weer is en gebruikt je "
               "gegevens nergens anders voor. Nieuwe voorraad komt meestal op dinsdag en vrijdag binnen."),
        "id": ("Apakah kios bisa memberi tahu saat barang tersedia kembali?",
               "Bisa. Jika ukuran atau warna habis, ketuk \u201cKabari saya\u201d lalu ketik alamat email atau nomor "
               "telepon Anda. Toko akan menghubungi Anda satu kali saat barang tersedia lagi dan tidak memakai "
               "data Anda untuk hal lain. Stok baru biasanya datang setiap Selasa dan Jumat."),
        "zh": ("自助服務機可以在商品補貨時通知我嗎？",
               "可以。若尺寸或顏色已售完，請點選「到貨通知」並輸入您的電子郵件或電話號碼。商品到貨時本店會"
               "通知您一次，您的資料不會用於其他用途。新貨通常在每週二和週五到店。"),
    },
    {
        "key": "accessibility",
        "tags": ["accessibility", "wheelchair", "lift", "elevator", "assistance dog"],
        "en": ("Is the store wheelchair accessible?",
               "Yes. The entrance is step-free, and a lift next to the escalator takes you to the first floor. "
               "There is an accessible fitting room and an accessible toilet on the first floor. Assistance "
               "dogs are welcome."),
        "nl": ("Is de winkel toegankelijk voor rolstoelen?",
               "Ja. De ingang is drempelvrij en een lift naast de roltrap brengt je naar de eerste verdieping. "
               "Daar zijn een toegankelijke paskamer en een toegankelijk toilet. Hulphonden zijn welkom."),
        "id": ("Apakah toko ini ramah kursi roda?",
               "Ya. Pintu masuk tanpa anak tangga, dan lift di sebelah eskalator membawa Anda ke lantai atas. "
               "Di lantai atas tersedia kamar pas dan toilet yang ramah kursi roda. Anjing pemandu dipersilakan "
               "masuk."),
        "zh": ("店內有無障礙設施嗎？",
               "有。入口無階梯，手扶梯旁有電梯可到二樓，二樓設有無障礙試衣間及無障礙廁所。歡迎導盲犬及"
               "服務犬入內。"),
    },
    {
        "key": "lost-and-found",
        "tags": ["lost and found", "lost property", "forgot"],
        "en": ("I lost something in the store. What should I do?",
               "Ask at the service desk at the tills on the ground floor. We keep found items for 4 weeks. You "
               "can also call us on +31 10 000 0000."),
        "nl": ("Ik ben iets verloren in de winkel. Wat moet ik doen?",
               "Vraag het bij de servicebalie bij de kassa's op de begane grond. Gevonden voorwerpen bewaren we "
               "4 weken. Je kunt ons ook bellen op +31 10 000 0000."),
        "id": ("Barang saya hilang di toko. Apa yang harus saya lakukan?",
               "Tanyakan di meja layanan di dekat kasir di lantai dasar. Barang temuan kami simpan selama 4 "
               "minggu. Anda juga dapat menelepon kami di +31 10 000 0000."),
        "zh": ("我在店裡遺失了東西，該怎麼辦？",
               "請到一樓收銀台旁的服務櫃台詢問，拾獲物品會保留4週。您也可以撥打+31 10 000 0000聯絡我們。"),
    },
    {
        "key": "holiday-hours",
        "tags": ["opening hours", "holidays", "christmas", "new year"],
        "en": ("Are you open on public holidays?",
               "On most public holidays we are open from 12:00 to 17:00. We are closed on Christmas Day "
               "(25 December) and New Year's Day (1 January), and on 24 and 31 December we close at 17:00. "
               "Staff can tell you the exact hours for the coming holidays."),
        "nl": ("Zijn jullie open op feestdagen?",
               "Op de meeste feestdagen zijn we open van 12:00 tot 17:00. Op Eerste Kerstdag (25 december) en "
               "Nieuwjaarsdag (1 januari) zijn we gesloten, en op 24 en 31 december sluiten we om 17:00. Onze "
               "medewerkers vertellen je graag de precieze tijden voor de komende feestdagen."),
        "id": ("Apakah toko buka pada hari libur nasional?",
               "Pada sebagian besar hari libur kami buka pukul 12:00 sampai 17:00. Kami tutup pada Hari Natal "
               "(25 Desember) dan Tahun Baru (1 Januari), dan pada 24 dan 31 Desember kami tutup pukul 17:00. "
               "Staf dapat memberi tahu jam buka pasti untuk hari libur mendatang."),
        "zh": ("國定假日有營業嗎？",
               "大多數國定假日的營業時間為12:00至17:00。聖誕節（12月25日）及元旦（1月1日）公休，12月24日"
               "及31日提早於17:00打烊。近期假日的確切營業時間可洽詢店員。"),
    },
    {
        "key": "reserve-items",
        "tags": ["reserve", "hold", "put aside"],
        "en": ("Can I reserve an item?",
               "Items cannot be reserved from the kiosk. Ask a member of staff: they can check whether an item "
               "can be put aside for you until closing time on the same day."),
        "nl": ("Kan ik een artikel reserveren?",
               "Via de kiosk kun je geen artikelen reserveren. Vraag het aan een medewerker: die kijkt of een "
               "artikel tot sluitingstijd van dezelfde dag voor je apart gelegd kan worden."),
        "id": ("Apakah saya bisa memesan atau menyimpan barang?",
               "Barang tidak dapat dipesan melalui kios. Tanyakan kepada staf: mereka dapat memeriksa apakah "
               "barang bisa disisihkan untuk Anda sampai jam tutup pada hari yang sama."),
        "zh": ("可以預留商品嗎？",
               "自助服務機無法預留商品。請詢問店員，他們會確認商品是否能為您保留到當天打烊。"),
    },
    {
        "key": "lost-loyalty-card",
        "tags": ["loyalty card", "lost card", "stride club", "points"],
        "en": ("I lost my loyalty card. What now?",
               "No problem. At the counter, staff can look up your Stride Club account with your email address "
               "or phone number and give you a new card. Your points are kept."),
        "nl": ("Ik ben mijn klantenkaart kwijt. Wat nu?",
               "Geen probleem. Aan de balie zoeken onze medewerkers je Stride Club-account op met je "
               "e-mailadres of telefoonnummer en krijg je een nieuwe kaart. Je punten blijven behouden."),
        "id": ("Kartu loyalitas saya hilang. Bagaimana?",
               "Tidak masalah. Di konter, staf dapat mencari akun Stride Club Anda dengan alamat email atau "
               "nomor telepon dan memberikan kartu baru. Poin Anda tetap tersimpan."),
        "zh": ("我的會員卡遺失了，怎麼辦？",
               "沒問題。櫃台店員可以用您的電子郵件或電話號碼查詢Stride Club帳戶，並補發新卡，點數會完整保留。"),
    },
    {
        "key": "pay-at-kiosk",
        "tags": ["payment", "pay", "tills", "checkout"],
        "en": ("Can I pay at the kiosk? Where are the tills?",
               "No, the kiosk is only for finding products and information. Please pay at the tills on the "
               "ground floor, next to the entrance. We accept debit and credit cards, contactless and mobile "
               "payments, cash and Stride gift cards; we do not accept cheques."),
        "nl": ("Kan ik bij de kiosk betalen? Waar zijn de kassa's?",
               "Nee, de kiosk is alleen bedoeld om producten en informatie te zoeken. Reken af bij de kassa's op "
               "de begane grond, naast de ingang. We accepteren pinpassen en creditcards, contactloos en mobiel "
               "betalen, contant geld en Stride-cadeaukaarten; cheques accepteren we niet."),
        "id": ("Apakah bisa membayar di kios? Di mana kasirnya?",
               "Tidak, kios hanya untuk mencari produk dan informasi. Silakan bayar di kasir di lantai dasar, "
               "di sebelah pintu masuk. Kami menerima kartu debit dan kredit, pembayaran nirsentuh dan seluler, "
               "uang tunai, serta kartu hadiah Stride; kami tidak menerima cek."),
        "zh": ("可以在自助服務機付款嗎？收銀台在哪裡？",
               "不行，自助服務機僅供查詢商品與資訊。請至一樓入口旁的收銀台結帳。我們接受金融卡、信用卡、"
               "感應及行動支付、現金和Stride禮物卡，恕不接受支票。"),
    },
    {
        "key": "kids-range",
        "tags": ["kids", "children", "junior", "kids shoes"],
        "en": ("Do you sell clothing and shoes for kids?",
               "We have kids' rain jackets, hoodies, T-shirts, leggings and swimwear on the first floor, plus a "
               "junior tennis racket and a kids' water bottle. We do not sell children's shoes; our shoe sizes "
               "start at US 6."),
        "nl": ("Verkopen jullie kinderkleding en kinderschoenen?",
               "We hebben regenjassen, hoodies, T-shirts, leggings en badkleding voor kinderen op de eerste "
               "verdieping, plus een juniortennisracket en een drinkfles voor kinderen. Kinderschoenen verkopen "
               "we niet; onze schoenmaten beginnen bij US 6."),
        "id": ("Apakah ada pakaian dan sepatu anak?",
               "Kami punya jaket hujan, hoodie, kaos, legging, dan baju renang anak di lantai atas, serta raket "
               "tenis junior dan botol minum anak. Kami tidak menjual sepatu anak; ukuran sepatu kami mulai dari "
               "US 6."),
        "zh": ("有賣兒童服裝和童鞋嗎？",
               "二樓有兒童雨衣、連帽上衣、T恤、內搭褲和泳衣，另有青少年網球拍和兒童水壺。本店沒有販售童鞋，"
               "鞋款尺碼從US 6起。"),
    },
]
