"""What the simulated shops sell: themes with categories, prices, product names, keywords and review phrases.

Everything here is plain data in zh and en; ``catalog`` draws a shop from it. All text is GBK-encodable, because
生意参谋-style files are written in GBK on request.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    code: str
    zh: str
    en: str
    price: tuple[float, float]  # CNY list price range
    margin: tuple[float, float]  # gross margin range (cost = price × (1 − margin))
    cvr: float  # base conversion of a detail-page visitor
    accessory: bool  # cheap add-on that other products bundle with
    names_zh: tuple[str, ...]
    names_en: tuple[str, ...]
    keywords_zh: tuple[str, ...]
    keywords_en: tuple[str, ...]


@dataclass(frozen=True)
class Theme:
    code: str
    store_zh: str
    store_en: str
    categories: tuple[Category, ...]
    season_peak_doy: int  # day of year the category sells best
    season_amp: float
    refund_rate: float
    competitors_zh: tuple[str, str, str, str]  # two leaders, two peers
    competitors_en: tuple[str, str, str, str]


HOME = Theme(
    "HM",
    "悦居生活旗舰店",
    "Yueju Home",
    (
        Category(
            "lighting",
            "灯具",
            "Lighting",
            (129, 399),
            (0.45, 0.6),
            0.022,
            False,
            ("北欧简约落地灯", "护眼LED台灯", "原木风床头灯", "奶油风吸顶灯", "极简钓鱼落地灯", "复古黄铜壁灯"),
            (
                "Nordic floor lamp",
                "Eye-care LED desk lamp",
                "Wooden bedside lamp",
                "Cream ceiling light",
                "Arc floor lamp",
                "Brass wall sconce",
            ),
            ("落地灯", "落地灯 客厅", "台灯 护眼", "床头灯 卧室", "吸顶灯 奶油风", "北欧灯具"),
            ("floor lamp", "floor lamp living room", "led desk lamp", "bedside lamp", "ceiling light", "nordic lamp"),
        ),
        Category(
            "storage",
            "收纳",
            "Storage",
            (39, 129),
            (0.5, 0.65),
            0.034,
            False,
            ("折叠收纳箱三件套", "衣柜分层收纳架", "桌面抽屉收纳盒", "透明鞋盒", "厨房调料置物架", "床底收纳袋"),
            (
                "Foldable storage boxes (3)",
                "Closet shelf divider",
                "Desk drawer organiser",
                "Clear shoe boxes",
                "Spice rack",
                "Under-bed storage bag",
            ),
            ("收纳箱", "收纳盒 桌面", "置物架", "鞋盒 透明", "衣柜收纳", "收纳神器"),
            ("storage box", "desk organiser", "storage rack", "clear shoe box", "closet organiser", "storage bins"),
        ),
        Category(
            "bedding",
            "床品",
            "Bedding",
            (159, 459),
            (0.5, 0.62),
            0.018,
            False,
            ("全棉四件套", "水洗棉夏凉被", "天丝床笠", "乳胶枕", "羽绒被冬季加厚", "纯色床单"),
            (
                "Cotton bedding set",
                "Washed-cotton summer quilt",
                "Tencel fitted sheet",
                "Latex pillow",
                "Winter down duvet",
                "Plain bed sheet",
            ),
            ("四件套 全棉", "夏凉被", "床笠", "乳胶枕头", "羽绒被", "床单 纯棉"),
            ("cotton bedding set", "summer quilt", "fitted sheet", "latex pillow", "down duvet", "bed sheet"),
        ),
        Category(
            "decor",
            "软装饰品",
            "Decor",
            (25, 69),
            (0.55, 0.7),
            0.028,
            True,
            ("陶瓷小花瓶", "香薰蜡烛礼盒", "ins风挂画", "棉麻抱枕套", "干花束", "桌面摆件"),
            (
                "Ceramic bud vase",
                "Scented candle set",
                "Wall art print",
                "Linen cushion cover",
                "Dried flowers",
                "Desk ornament",
            ),
            ("花瓶 ins", "香薰蜡烛", "挂画", "抱枕套", "干花", "摆件"),
            ("bud vase", "scented candle", "wall art", "cushion cover", "dried flowers", "desk decor"),
        ),
    ),
    season_peak_doy=320,
    season_amp=0.08,
    refund_rate=0.05,
    competitors_zh=("木言家居旗舰店", "拾光生活馆", "简屋家居", "栖木小铺"),
    competitors_en=("Muyan Living", "Shiguang Home", "Jianwu Home", "Qimu Store"),
)

APPAREL = Theme(
    "AP",
    "晴岚女装",
    "Qinglan Womenswear",
    (
        Category(
            "dresses",
            "连衣裙",
            "Dresses",
            (159, 399),
            (0.55, 0.7),
            0.016,
            False,
            ("法式碎花连衣裙", "收腰针织连衣裙", "缎面吊带裙", "衬衫裙", "方领泡泡袖裙", "长袖开衫裙"),
            (
                "French floral dress",
                "Knit waisted dress",
                "Satin slip dress",
                "Shirt dress",
                "Square-neck puff dress",
                "Long-sleeve cardigan dress",
            ),
            ("连衣裙 女", "碎花裙", "针织连衣裙", "吊带裙", "衬衫裙", "法式连衣裙"),
            ("floral dress", "knit dress", "slip dress", "shirt dress", "midi dress", "french dress"),
        ),
        Category(
            "tops",
            "上衣",
            "Tops",
            (59, 149),
            (0.55, 0.7),
            0.024,
            False,
            ("纯棉短袖T恤", "宽松卫衣", "雪纺衬衫", "修身打底衫", "条纹针织衫", "短款开衫"),
            (
                "Cotton T-shirt",
                "Oversized hoodie",
                "Chiffon blouse",
                "Fitted base layer",
                "Striped knit top",
                "Cropped cardigan",
            ),
            ("t恤 女", "卫衣 宽松", "雪纺衫", "打底衫", "针织衫", "开衫 短款"),
            ("women t shirt", "oversized hoodie", "chiffon blouse", "base layer top", "striped knit", "cardigan"),
        ),
        Category(
            "pants",
            "裤装",
            "Trousers",
            (99, 239),
            (0.55, 0.68),
            0.02,
            False,
            ("高腰阔腿裤", "直筒牛仔裤", "西装裤", "运动休闲裤", "半身长裙", "工装裤"),
            (
                "High-waist wide-leg trousers",
                "Straight jeans",
                "Tailored trousers",
                "Joggers",
                "Maxi skirt",
                "Cargo pants",
            ),
            ("阔腿裤", "牛仔裤 女", "西装裤", "休闲裤", "半身裙", "工装裤"),
            ("wide leg pants", "straight jeans", "tailored trousers", "joggers", "maxi skirt", "cargo pants"),
        ),
        Category(
            "accessories",
            "配饰",
            "Accessories",
            (19, 59),
            (0.6, 0.75),
            0.03,
            True,
            ("珍珠发夹", "真丝小方巾", "细腰带", "草编包挂件", "耳夹", "针织发带"),
            ("Pearl hair clip", "Silk scarf", "Skinny belt", "Bag charm", "Clip earrings", "Knit headband"),
            ("发夹", "丝巾", "腰带 女", "包挂件", "耳夹", "发带"),
            ("hair clip", "silk scarf", "skinny belt", "bag charm", "clip earrings", "headband"),
        ),
    ),
    season_peak_doy=100,
    season_amp=0.1,
    refund_rate=0.12,
    competitors_zh=("衣语旗舰店", "森屿女装", "素简衣橱", "暖阳小铺"),
    competitors_en=("Yiyu Official", "Senyu Women", "Sujian Closet", "Nuanyang Shop"),
)

BEAUTY = Theme(
    "BT",
    "沐颜美妆",
    "Muyan Beauty",
    (
        Category(
            "serum",
            "精华",
            "Serums",
            (149, 399),
            (0.65, 0.8),
            0.02,
            False,
            ("烟酰胺精华液", "玻尿酸保湿精华", "抗初老眼霜", "维C精华", "修护精华油", "积雪草精华"),
            (
                "Niacinamide serum",
                "Hyaluronic serum",
                "Anti-ageing eye cream",
                "Vitamin C serum",
                "Repair oil",
                "Centella serum",
            ),
            ("精华液", "烟酰胺", "玻尿酸精华", "眼霜", "维c精华", "修护精华"),
            ("face serum", "niacinamide serum", "hyaluronic acid", "eye cream", "vitamin c serum", "repair serum"),
        ),
        Category(
            "cleanser",
            "洁面",
            "Cleansers",
            (49, 129),
            (0.6, 0.75),
            0.03,
            False,
            ("氨基酸洗面奶", "卸妆油", "清洁面膜", "卸妆水", "洁面慕斯", "磨砂膏"),
            ("Amino-acid cleanser", "Cleansing oil", "Clay mask", "Micellar water", "Foam cleanser", "Face scrub"),
            ("洗面奶", "卸妆油", "清洁面膜", "卸妆水", "洁面", "磨砂膏"),
            ("face wash", "cleansing oil", "clay mask", "micellar water", "foam cleanser", "face scrub"),
        ),
        Category(
            "makeup",
            "彩妆",
            "Make-up",
            (79, 199),
            (0.6, 0.75),
            0.024,
            False,
            ("丝绒哑光口红", "持妆粉底液", "四色眼影盘", "定妆散粉", "腮红", "防水眉笔"),
            (
                "Matte lipstick",
                "Long-wear foundation",
                "Eyeshadow quad",
                "Setting powder",
                "Blush",
                "Waterproof brow pencil",
            ),
            ("口红", "粉底液", "眼影盘", "散粉", "腮红", "眉笔"),
            ("lipstick", "foundation", "eyeshadow palette", "setting powder", "blush", "brow pencil"),
        ),
        Category(
            "tools",
            "美妆工具",
            "Tools",
            (15, 49),
            (0.6, 0.75),
            0.032,
            True,
            ("美妆蛋", "化妆刷套装", "睫毛夹", "化妆包", "洗脸巾", "粉扑"),
            ("Beauty sponge", "Brush set", "Eyelash curler", "Make-up bag", "Face towels", "Powder puff"),
            ("美妆蛋", "化妆刷", "睫毛夹", "化妆包", "洗脸巾", "粉扑"),
            ("beauty sponge", "makeup brushes", "eyelash curler", "makeup bag", "face towels", "powder puff"),
        ),
    ),
    season_peak_doy=330,
    season_amp=0.06,
    refund_rate=0.04,
    competitors_zh=("花西子同款专营店", "初研美妆旗舰店", "小雅美妆", "青禾护肤"),
    competitors_en=("Huaxi Select", "Chuyan Beauty", "Xiaoya Cosmetics", "Qinghe Skin"),
)

DIGITAL = Theme(
    "DG",
    "极客数码配件",
    "Geek Gear",
    (
        Category(
            "audio",
            "耳机",
            "Audio",
            (99, 399),
            (0.35, 0.5),
            0.018,
            False,
            ("降噪蓝牙耳机", "运动挂耳耳机", "头戴式耳机", "骨传导耳机", "游戏耳机", "迷你音箱"),
            (
                "ANC earbuds",
                "Sport earbuds",
                "Over-ear headphones",
                "Bone-conduction headphones",
                "Gaming headset",
                "Mini speaker",
            ),
            ("蓝牙耳机", "降噪耳机", "运动耳机", "头戴耳机", "骨传导耳机", "蓝牙音箱"),
            ("bluetooth earbuds", "noise cancelling", "sport earbuds", "headphones", "bone conduction", "speaker"),
        ),
        Category(
            "chargers",
            "充电",
            "Charging",
            (39, 149),
            (0.4, 0.55),
            0.028,
            False,
            ("65W氮化镓充电器", "磁吸充电宝", "三合一无线充", "快充插头", "车载充电器", "桌面充电站"),
            (
                "65W GaN charger",
                "Magnetic power bank",
                "3-in-1 wireless charger",
                "Fast wall charger",
                "Car charger",
                "Desk charging station",
            ),
            ("充电器 快充", "氮化镓", "充电宝", "无线充电器", "车载充电", "充电头"),
            ("gan charger", "fast charger", "power bank", "wireless charger", "car charger", "usb c charger"),
        ),
        Category(
            "cases",
            "手机壳",
            "Cases",
            (19, 69),
            (0.55, 0.7),
            0.03,
            False,
            ("磁吸透明手机壳", "液态硅胶壳", "防摔手机壳", "镜头膜", "钢化膜", "卡包手机壳"),
            ("Clear magnetic case", "Silicone case", "Rugged case", "Lens protector", "Tempered glass", "Wallet case"),
            ("手机壳", "透明手机壳", "硅胶手机壳", "防摔壳", "钢化膜", "镜头膜"),
            ("phone case", "clear case", "silicone case", "rugged case", "screen protector", "lens protector"),
        ),
        Category(
            "cables",
            "数据线",
            "Cables",
            (15, 49),
            (0.6, 0.75),
            0.034,
            True,
            ("编织快充数据线", "Type-C数据线", "一拖三数据线", "磁吸数据线", "短款数据线", "数据线收纳包"),
            ("Braided fast cable", "USB-C cable", "3-in-1 cable", "Magnetic cable", "Short cable", "Cable pouch"),
            ("数据线", "快充线", "type-c数据线", "一拖三", "磁吸数据线", "充电线"),
            ("usb c cable", "fast charging cable", "3 in 1 cable", "magnetic cable", "short cable", "charging cable"),
        ),
    ),
    season_peak_doy=320,
    season_amp=0.07,
    refund_rate=0.06,
    competitors_zh=("绿联同款旗舰店", "酷比数码", "小米粒配件", "星河数码"),
    competitors_en=("Lianlv Official", "Kubi Digital", "Mili Gear", "Xinghe Tech"),
)

THEMES: tuple[Theme, ...] = (HOME, APPAREL, BEAUTY, DIGITAL)

STYLES_ZH = ("新款", "高级感", "简约", "复古", "ins风", "轻奢", "百搭", "韩版", "日系", "加厚")
STYLES_EN = ("New", "Premium", "Classic", "Vintage", "Everyday", "Deluxe", "Soft", "Slim", "Pro", "Essential")

AGENTS_ZH = ("小美", "阿杰", "小雨", "晓东", "甜甜", "大伟")
AGENTS_EN = ("Amy", "Ben", "Chloe", "Dan", "Eva", "Finn")

# Review phrases by rating tier; {aspect} is filled with one of ASPECTS.
REVIEWS_ZH = {
    5: (
        "非常满意,{aspect}很好,会回购",
        "{aspect}超出预期,推荐购买",
        "第二次买了,{aspect}一如既往地好",
        "包装很用心,{aspect}也不错,好评",
        "性价比很高,{aspect}没得说",
        "和描述一致,{aspect}很棒,物流也快",
    ),
    4: (
        "整体不错,{aspect}还可以",
        "挺好的,就是物流慢了一点",
        "{aspect}可以,价格再低点就更好了",
        "还行,和图片差不多",
    ),
    3: (
        "一般般,{aspect}普通",
        "中规中矩吧,{aspect}没有想象中好",
        "凑合用,{aspect}有待提高",
    ),
    2: (
        "不太满意,{aspect}比较差",
        "{aspect}和描述不符,有点失望",
        "用了两天就有问题,{aspect}不行",
    ),
    1: (
        "差评!{aspect}太差了,申请退货",
        "质量有问题,{aspect}很差,不建议购买",
        "收到就是坏的,{aspect}完全不行,客服也不理",
        "和图片完全不一样,{aspect}很差,后悔购买",
    ),
}
REVIEWS_EN = {
    5: (
        "Love it, the {aspect} is great. Will buy again.",
        "Exceeded expectations, {aspect} is excellent.",
        "Second purchase, {aspect} as good as ever.",
        "Great value, the {aspect} is perfect.",
    ),
    4: ("Pretty good, {aspect} is fine.", "Good overall, shipping was a bit slow.", "Nice, {aspect} as pictured."),
    3: ("It's okay, {aspect} is average.", "Not bad, but the {aspect} could be better."),
    2: ("Disappointed, the {aspect} is poor.", "The {aspect} is not as described."),
    1: (
        "Terrible, the {aspect} is awful. Returning it.",
        "Arrived broken, {aspect} is bad. Do not buy.",
        "Looks nothing like the photos, awful {aspect}.",
    ),
}
TITLES_EN = {5: "Great buy", 4: "Good", 3: "Okay", 2: "Disappointed", 1: "Do not buy"}
ASPECTS_ZH = ("质量", "做工", "颜色", "手感", "包装", "尺寸", "味道", "效果")
ASPECTS_EN = ("quality", "finish", "colour", "feel", "packaging", "size", "material", "result")
REPLY_ZH = "亲,非常抱歉给您带来不好的体验,客服会主动联系您处理,感谢反馈。"
REPLY_EN = "We're sorry about your experience; our team will contact you to make it right."
