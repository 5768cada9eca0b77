def test_browser_renders_chinese(page, tmp_path):
    html = tmp_path / "a.html"
    html.write_text("<html><body><h1 id=t>生意参谋 跳失率</h1></body></html>", encoding="utf-8")
    page.goto(html.as_uri())
    assert page.inner_text("#t") == "生意参谋 跳失率"
    page.screenshot(path=str(tmp_path / "s.png"))
