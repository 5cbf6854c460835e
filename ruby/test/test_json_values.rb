# JSON values (issue 18): a member named twice is refused (defect 7); integers are exact at any
# size, as JSON.parse reads them (defect 11); values nested as deep as the core reads (1000)
# convert (defect 5).
require_relative "test_helper"

class TestJsonValues < Minitest::Test
  def parse(text) = Foil::Native.rb_parse(text)

  def test_member_named_twice_is_refused
    ['{"id":"a","id":"b"}', '{"x":{"k":1,"k":2}}', '{"id":"a","\\u0069d":"b"}'].each do |text|
      e = assert_raises(Foil::InvalidArgumentError) { parse(text) }
      assert_match(/same name/, e.message)
    end
    assert_equal({ id: "a", x: { id: "b" } }, parse('{"id":"a","x":{"id":"b"}}'))
  end

  def test_integers_are_exact_like_json_parse
    text = "[9007199254740993,123000000000000000,-9223372036854775809," \
           "123456789012345678901234567890,1.0,1e2,1.23e17,7]"
    got = parse(text)
    want = JSON.parse(text)
    assert_equal want, got
    got.zip(want).each { |g, w| assert_equal w.class, g.class, "#{g} is a #{g.class}" }
    assert_equal 9_007_199_254_740_993, got[0]
  end

  def test_values_nested_1000_deep
    v = parse("[" * 1000 + "7" + "]" * 1000)
    1000.times { v = v[0] }
    assert_equal 7, v
    deep = parse('{"k":' * 999 + "1" + "}" * 999)
    999.times { deep = deep[:k] }
    assert_equal 1, deep
    assert_raises(Foil::InvalidArgumentError) { parse("[" * 1001 + "]" * 1001) }
  end
end
