"""Public review corpora, for review mining before a shop has exported its own reviews.

* online_shopping_10_cats (SophonPlus ChineseNlpCorpus): ``cat,label,review`` — ten product categories,
  label 1 = positive, 0 = negative. No ids, products or dates: the engine gives each review a synthetic id, and
  two identical reviews both stay.
* Women's E-Commerce Clothing Reviews (Kaggle): the unnamed first column is the review's row index in the full
  release, kept as its id; Clothing ID is the product.
"""

from __future__ import annotations

from shopops.ingest.formats.base import Field, Format, register

register(
    Format(
        name="corpus:online_shopping_10_cats",
        zh="中文电商评论语料(10 类)",
        en="Chinese e-commerce review corpus (10 categories)",
        platform="corpus",
        fields=(
            Field("cat", "text", ("cat",), True),
            Field("label", "bool", ("label",), True),  # 1/0; anything else is reported with its row
            Field("review", "text", ("review",)),  # one review in the corpus has a label but no text
        ),
        outputs={
            "reviews": """
                SELECT _row, cat AS category, CASE WHEN label THEN 'positive' ELSE 'negative' END AS sentiment,
                       review AS text, 'zh' AS language
                FROM src""",
        },
        sample="corpus/online_shopping_10_cats.csv",
        notes="SophonPlus/ChineseNlpCorpus; sentiment from label (1 positive, 0 negative).",
    )
)

register(
    Format(
        name="corpus:womens_clothing",
        zh="女装电商评论(Kaggle)",
        en="Women's E-Commerce Clothing Reviews (Kaggle)",
        platform="corpus",
        fields=(
            Field("index", "text", ("",), True),  # the unnamed index column pandas writes
            Field("clothing_id", "text", ("Clothing ID",), True),
            Field("age", "int", ("Age",)),
            Field("title", "text", ("Title",)),
            Field("review_text", "text", ("Review Text",)),
            Field("rating", "int", ("Rating",), True),
            Field("recommended", "bool", ("Recommended IND",)),
            Field("positive_feedback", "int", ("Positive Feedback Count",)),
            Field("division", "text", ("Division Name",)),
            Field("department", "text", ("Department Name",)),
            Field("class_name", "text", ("Class Name",)),
        ),
        outputs={
            "reviews": """
                SELECT _row, "index" AS review_id, clothing_id AS sku, class_name AS category, rating, title,
                       review_text AS text, 'en' AS language
                FROM src""",
        },
        sample="corpus/womens_clothing_reviews.csv",
        notes="Kaggle nicapotato/womens-ecommerce-clothing-reviews; review_id is the file's row index.",
    )
)
