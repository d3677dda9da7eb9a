// Bind values of every type travel from BindValue through the emulator's SQL engine and come
// back decoded to the same values.
#include <gtest/gtest.h>

#include <string>

#include "sfq/client.hpp"
#include "sfq/format.hpp"
#include "support/mock_fixture.hpp"

namespace sfq::testing {
namespace {

class Bindings : public MockTest {
 protected:
  void SetUp() override {
    MockTest::SetUp();
    client_ = std::make_unique<Client>(connection());
    (void)client_->execute(
        "create or replace table mockdb.public.bound ("
        "  i number(38,0), d number(10,2), r float, t varchar, b binary, bo boolean, dt date,"
        "  tm time(9), ntz timestamp_ntz(9), ltz timestamp_ltz(9), tz timestamp_tz(9))");
  }
  std::unique_ptr<Client> client_;
};

TEST_F(Bindings, EveryTypeRoundTrips) {
  // 2026-10-09 12:34:56.123456789 wall clock; +07:00 for the TZ value.
  const Timestamp wall{1791549296, 123456789, 0};
  const Timestamp instant{1791524096, 123456789, 420};
  Statement insert("insert into mockdb.public.bound values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(BindValue::integer(-9007199254740993))
      .bind(BindValue::decimal("12345678.91"))
      .bind(BindValue::real(1.5))
      .bind(BindValue::text("héllo, \"world\""))
      .bind(BindValue::binary(std::string("\xDE\xAD\xBE\xEF", 4)))
      .bind(BindValue::boolean(true))
      .bind(BindValue::date(20735))
      .bind(BindValue::time(45296123456789))
      .bind(BindValue::timestamp_ntz(wall))
      .bind(BindValue::timestamp_ltz(Timestamp{1791524096, 123456789, 0}))
      .bind(BindValue::timestamp_tz(instant));
  const QueryResult inserted = client_->execute(insert);
  ASSERT_TRUE(inserted.meta.stats.has_value());
  EXPECT_EQ(inserted.meta.stats->rows_inserted, 1);

  const QueryResult result = client_->execute("select * from mockdb.public.bound");
  ASSERT_EQ(result.row_count(), 1U);
  const RowBatch& batch = result.batches.at(0);
  EXPECT_EQ(batch.columns[0].int64_value(0), -9007199254740993);
  EXPECT_EQ(batch.columns[1].decimal_string(0), "12345678.91");
  EXPECT_EQ(batch.columns[2].double_value(0), 1.5);
  EXPECT_EQ(batch.columns[3].text_value(0), "héllo, \"world\"");
  EXPECT_EQ(batch.columns[4].text_value(0), std::string("\xDE\xAD\xBE\xEF", 4));
  EXPECT_TRUE(batch.columns[5].bool_value(0));
  EXPECT_EQ(batch.columns[6].int64_value(0), 20735);
  EXPECT_EQ(batch.columns[7].int64_value(0), 45296123456789);
  EXPECT_EQ(batch.columns[8].timestamp_value(0), wall);
  EXPECT_EQ(batch.columns[9].timestamp_value(0).seconds, 1791524096);
  EXPECT_EQ(batch.columns[9].timestamp_value(0).nanos, 123456789);
  EXPECT_EQ(batch.columns[10].timestamp_value(0), instant);
  std::string json;
  format::append_json(json, batch.columns[10], 0);
  EXPECT_EQ(json, "\"2026-10-09T12:34:56.123456789+07:00\"");
}

TEST_F(Bindings, NullsNamesAndArrays) {
  Statement nulls("insert into mockdb.public.bound (i, t, dt) values (?, ?, ?)");
  nulls.bind(BindValue::null(BindType::fixed))
      .bind(BindValue::null(BindType::text))
      .bind(BindValue::null(BindType::date));
  (void)client_->execute(nulls);

  Statement batch("insert into mockdb.public.bound (i, t) values (?, ?)");
  batch.bind(BindValue::array(BindType::fixed, {"1", "2", std::nullopt}))
      .bind(BindValue::array(BindType::text, {"a", std::nullopt, "c"}));
  const QueryResult inserted = client_->execute(batch);
  ASSERT_TRUE(inserted.meta.stats.has_value());
  EXPECT_EQ(inserted.meta.stats->rows_inserted, 3);

  Statement named("select count(*) as n from mockdb.public.bound where t = :name or i = :num");
  named.bind("name", BindValue::text("c")).bind("num", BindValue::integer(1));
  const QueryResult counted = client_->execute(named);
  EXPECT_EQ(rows_as_text(counted), (std::vector<std::vector<std::string>>{{"2"}}));

  const QueryResult all_null =
      client_->execute("select i, t, dt from mockdb.public.bound where i is null and t is null");
  ASSERT_EQ(all_null.row_count(), 1U);
  for (const auto& column : all_null.batches.at(0).columns) EXPECT_TRUE(column.is_null(0));
}

TEST_F(Bindings, AValueThatIsNotItsTypeIsASqlError) {
  Statement bad("insert into mockdb.public.bound (dt) values (?)");
  BindValue not_a_date;
  not_a_date.type = BindType::date;
  not_a_date.values.emplace_back("yesterday");
  bad.bind(not_a_date);
  try {
    (void)client_->execute(bad);
    FAIL() << "a DATE binding that is not a number of milliseconds must be rejected";
  } catch (const Error& error) {
    EXPECT_EQ(error.category(), ErrorCategory::server);
    EXPECT_EQ(error.code(), "100037");
    EXPECT_EQ(error.sql_state(), "22018");
  }
}

}  // namespace
}  // namespace sfq::testing
