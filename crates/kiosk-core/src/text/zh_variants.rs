//! Simplified → Traditional character folding for the words shoppers use at a
//! kiosk. The lexicon is written in Traditional script; this lets Simplified
//! input find the same entries. It covers shopping vocabulary, not all of
//! Chinese: characters not listed pass through unchanged.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Pairs of (Simplified, Traditional) characters, written back to back.
const PAIRS: &str = "运運动動红紅绿綠蓝藍黄黃银銀码碼号號没沒这這个個吗嗎么麼里裡买買卖賣价價钱錢贵貴\
裤褲袜襪围圍双雙夹夾绒絨线線卫衛长長项項链鏈环環镯鐲表錶镜鏡门門开開关關时時间間营營业業换換货貨\
会會员員积積订訂单單发發东東请請问問帮幫谢謝经經给給欢歡还還话話说說听聽见見现現库庫网網篮籃垫墊\
壶壺绒絨纯純游遊连連户戶凉涼轻輕适適质質儿兒厕廁电電优優费費样樣为為对對来來们們题題让讓几幾块塊\
颜顏尔爾预預约約针針织織灯燈马馬鸟鳥纸紙图圖书書车車场場岁歲边邊过過进進实實认認识識头頭脚腳韩韓\
装裝饰飾礼禮试試宽寬紧緊松鬆软軟热熱帅帥旧舊赠贈错錯坏壞伤傷医醫药藥护護练練训訓乐樂挂掛钩鉤铁鐵\
铜銅钢鋼锁鎖帐帳轮輪冲衝潜潛戏戲丝絲绸綢绣繡纺紡纱紗级級档檔证證据據扫掃宝寶转轉账賬务務处處办辦\
总總层層楼樓区區柜櫃运運动動码碼牌牌尽盡难難够夠应應该該图圖网網灰灰粉粉标標准準码碼钟鐘从從后後\
点點种種类類别別样樣让讓么麼现現体體运運气氣温溫湿濕风風雨雨伞傘阳陽帮幫写寫读讀声聲视視戏戲带帶\
兴興节節庆慶妇婦孙孫爷爺奶奶乡鄉惯慣欧歐亚亞语語汉漢译譯简簡繁繁体體岛島湾灣台臺产產质質检檢验驗\
减減满滿额額余餘剩剩数數量量钮鈕扣扣绳繩带帶鞋鞋靴靴帽帽\
记記规規则則确確无無设設诺諾着著内內于於币幣衬襯忆憶统統";

fn table() -> &'static HashMap<char, char> {
    static TABLE: OnceLock<HashMap<char, char>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let chars: Vec<char> = PAIRS.chars().filter(|c| !c.is_whitespace()).collect();
        chars
            .chunks_exact(2)
            .filter(|pair| pair[0] != pair[1])
            .map(|pair| (pair[0], pair[1]))
            .collect()
    })
}

/// The Traditional form of a Simplified character, or the character itself.
pub fn to_traditional(c: char) -> char {
    if (c as u32) < 0x3000 {
        return c;
    }
    table().get(&c).copied().unwrap_or(c)
}
