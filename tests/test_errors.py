from ecco_build.errors import clip


def test_clip_cuts_and_escapes_control_characters():
    assert clip("java\tscript\x1b[31m\u2028") == "java\\tscript\\x1b[31m\\u2028"
    assert clip("x" * 300) == "x" * 200 + "… (300 characters)"
    assert clip(list(range(10**6))) == "a list of 1000000 items"
