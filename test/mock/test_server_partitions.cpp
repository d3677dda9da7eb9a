// test_server_partitions.cpp — partitioned results: the real server's growing partition sizes,
// many forced partitions, gzip'd later partitions without metadata, Link headers, partition
// errors, and bounded memory through eviction of old results.
#include <regex>

#include "support/mock_test_support.hpp"

namespace {

using mock_test::HttpResult;
using mock_test::keys_of;

/// `rows` rows of a number and a random string of `width` characters.
std::string generator(int rows, int width = 10) {
  return "SELECT SEQ4() AS N, RANDSTR(" + std::to_string(width) +
         ", RANDOM()) AS S FROM TABLE(GENERATOR(ROWCOUNT => " + std::to_string(rows) + "))";
}

/// rel -> partition number, from a Link header; fails on a malformed one.
std::map<std::string, int> parse_link(const std::string& header, const std::string& handle) {
  std::map<std::string, int> rels;
  const std::regex item(
      "</api/v2/statements/" + handle +
      R"re(\?requestId=[0-9a-f-]{36}&partition=(\d+)>; rel="(first|prev|next|last)")re");
  std::string rest = header;
  std::smatch match;
  while (!rest.empty()) {
    const auto comma = rest.find(">; rel=\"");
    const auto end = rest.find('"', comma + 8);
    const std::string one = rest.substr(0, end + 1);
    EXPECT_TRUE(std::regex_match(one, match, item)) << one;
    if (match.size() == 3) rels[match[2].str()] = std::stoi(match[1].str());
    rest = end + 1 < rest.size() ? rest.substr(end + 1) : "";
    if (!rest.empty()) {
      EXPECT_EQ(rest.front(), ',') << "comma-separated, no space";
      rest.erase(0, 1);
    }
  }
  return rels;
}

class MockserverPartitions : public mock_test::MockServerTest {};

TEST_F(MockserverPartitions, DefaultPolicyGrowsPartitionsLikeTheRealServer) {
  // Rows of about 55 bytes, so that 20 000 of them split into growing partitions as the real
  // server's 20 000 two-column rows did (2063 / 4682 / 9404 / 3851).
  const HttpResult result = post_sql(
      "SELECT SEQ4() AS N, RANDSTR(40, RANDOM()) AS S FROM TABLE(GENERATOR(ROWCOUNT => 20000))");
  ASSERT_EQ(result.status, 200) << result.body.substr(0, 300);
  const auto json = result.json();
  const auto& info = json["resultSetMetaData"]["partitionInfo"];
  ASSERT_GE(info.Size(), 3u);
  std::uint64_t total = 0;
  for (unsigned i = 0; i < info.Size(); ++i) total += info[i]["rowCount"].GetUint64();
  EXPECT_EQ(total, 20000u);
  EXPECT_EQ(json["resultSetMetaData"]["numRows"].GetUint64(), 20000u);
  EXPECT_LT(info[0]["rowCount"].GetUint64(), info[1]["rowCount"].GetUint64()) << "small first";
  EXPECT_LT(info[1]["rowCount"].GetUint64(), info[2]["rowCount"].GetUint64()) << "sizes grow";
  EXPECT_EQ(json["data"].Size(), info[0]["rowCount"].GetUint64());
  // Partition 0 of a multi-partition result has a compressedSize too (the gzip'd size of its
  // rows, smaller than their JSON), as the real partitionInfo does.
  ASSERT_TRUE(info[0].HasMember("compressedSize"));
  EXPECT_GT(info[0]["compressedSize"].GetUint64(), 0u);
  EXPECT_LT(info[0]["compressedSize"].GetUint64(), info[0]["uncompressedSize"].GetUint64());
  EXPECT_TRUE(info[1].HasMember("compressedSize"));
  // The first partition is about 100 KB of JSON rows, like the real service's.
  EXPECT_GE(info[0]["uncompressedSize"].GetUint64(), 95'000u);
  EXPECT_LE(info[0]["uncompressedSize"].GetUint64(), 105'000u);
}

TEST_F(MockserverPartitions, LonePartitionHasNoCompressedSize) {
  const auto json = post_sql(generator(10)).json();
  const auto& info = json["resultSetMetaData"]["partitionInfo"];
  ASSERT_EQ(info.Size(), 1u);
  EXPECT_FALSE(info[0].HasMember("compressedSize"));
}

class MockserverManyPartitions : public mock_test::MockServerTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    options.partitions.first_partition_rows = 200;
    options.partitions.max_partition_rows = 200;
    options.partitions.growth = 1.0;
  }
};

TEST_F(MockserverManyPartitions, EveryPartitionIsReadableAndGzipped) {
  const HttpResult result = post_sql(generator(5000));
  ASSERT_EQ(result.status, 200);
  const auto json = result.json();
  const std::string handle = json["statementHandle"].GetString();
  const auto& info = json["resultSetMetaData"]["partitionInfo"];
  ASSERT_EQ(info.Size(), 25u);
  auto rels = parse_link(result.header("Link"), handle);
  EXPECT_EQ(rels, (std::map<std::string, int>{{"first", 0}, {"next", 1}, {"last", 24}}));

  std::int64_t expected = 0;
  for (const auto& row : json["data"].GetArray()) {
    EXPECT_EQ(row[0].GetString(), std::to_string(expected++));
  }
  for (unsigned p = 1; p < info.Size(); ++p) {
    // No Accept-Encoding: gzip is sent anyway, as the real server does.
    const HttpResult part = get("/api/v2/statements/" + handle + "?partition=" + std::to_string(p));
    ASSERT_EQ(part.status, 200);
    EXPECT_TRUE(part.gzipped) << p;
    EXPECT_EQ(part.raw_body.size(), info[p]["compressedSize"].GetUint64());
    EXPECT_EQ(part.body.size(), info[p]["uncompressedSize"].GetUint64());
    EXPECT_EQ(part.body.rfind("{\"data\":[[", 0), 0u);
    EXPECT_NE(part.body.find("],\n["), std::string::npos) << "rows separated by ,\\n";
    const auto body = part.json();
    EXPECT_EQ(keys_of(body), std::vector<std::string>{"data"}) << "no metadata on N >= 1";
    ASSERT_EQ(body["data"].Size(), info[p]["rowCount"].GetUint64());
    for (const auto& row : body["data"].GetArray()) {
      EXPECT_EQ(row[0].GetString(), std::to_string(expected++));
    }
    rels = parse_link(part.header("Link"), handle);
    EXPECT_EQ(rels["first"], 0);
    EXPECT_EQ(rels["prev"], static_cast<int>(p) - 1);
    EXPECT_EQ(rels["last"], 24);
    if (p < 24) {
      EXPECT_EQ(rels["next"], static_cast<int>(p) + 1);
    } else {
      EXPECT_EQ(rels.count("next"), 0u);
    }
  }
  EXPECT_EQ(expected, 5000);
}

TEST_F(MockserverManyPartitions, PartitionZeroAgainWithMetadata) {
  const auto json = post_sql(generator(1000)).json();
  const std::string handle = json["statementHandle"].GetString();
  const HttpResult again = get("/api/v2/statements/" + handle + "?partition=0");
  ASSERT_EQ(again.status, 200);
  EXPECT_FALSE(again.gzipped);
  const auto body = again.json();
  EXPECT_EQ(body["resultSetMetaData"]["partitionInfo"].Size(), 5u);
  EXPECT_EQ(body["data"].Size(), 200u);
  const HttpResult zipped =
      get("/api/v2/statements/" + handle + "?partition=0", {{"Accept-Encoding", "gzip"}});
  EXPECT_TRUE(zipped.gzipped);
  EXPECT_EQ(zipped.body.size(), again.body.size());
}

TEST_F(MockserverManyPartitions, PartitionOutOfRangeOrNotANumberIs400_391922) {
  const auto json = post_sql(generator(1000)).json();
  const std::string handle = json["statementHandle"].GetString();
  for (const std::string bad : {"5", "9", "-1", "x", "1.5", ""}) {
    const HttpResult result = get("/api/v2/statements/" + handle + "?partition=" + bad);
    ASSERT_EQ(result.status, 400) << bad;
    const auto error = result.json();
    EXPECT_STREQ(error["code"].GetString(), "391922");
    EXPECT_STREQ(error["sqlState"].GetString(), "22023");
    EXPECT_EQ(error["message"].GetString(),
              "Invalid partition parameter. The partition must be long type parsable and between "
              "0 and 4, but '" +
                  bad + "' is specified.");
  }
}

TEST_F(MockserverManyPartitions, NullableFalseAppliesToEveryPartition) {
  const std::string sql =
      "SELECT IFF(SEQ4() % 2 = 0, NULL, 'x') AS V FROM TABLE(GENERATOR(ROWCOUNT => 600))";
  const auto json = post_sql(sql, "?nullable=false").json();
  const std::string handle = json["statementHandle"].GetString();
  ASSERT_EQ(json["resultSetMetaData"]["partitionInfo"].Size(), 3u);
  EXPECT_STREQ(json["data"][0][0].GetString(), "null");
  const auto later = get("/api/v2/statements/" + handle + "?partition=2").json();
  EXPECT_STREQ(later["data"][0][0].GetString(), "null");
  EXPECT_STREQ(later["data"][1][0].GetString(), "x");
  // Without the switch, SQL NULL is JSON null.
  const auto plain = post_sql(sql).json();
  EXPECT_TRUE(plain["data"][0][0].IsNull());
}

class MockserverEviction : public mock_test::MockServerTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override {
    // About one result of 3000 rows (their ~75 KB of JSON fit in the first partition).
    options.result_cache_bytes = 128 * 1024;
    options.max_statements = 1000;
  }
};

TEST_F(MockserverEviction, OldResultsAreDroppedToBoundMemory) {
  const std::string first = post_sql(generator(3000)).json()["statementHandle"].GetString();
  EXPECT_EQ(get("/api/v2/statements/" + first).status, 200);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(post_sql(generator(3000)).status, 200);
  const HttpResult gone = get("/api/v2/statements/" + first);
  EXPECT_EQ(gone.status, 400);
  EXPECT_STREQ(gone.json()["code"].GetString(), "000709");
  EXPECT_GE(server_->counters().statements_evicted, 1u);
}

TEST_F(MockserverEviction, AResultLargerThanTheWholeCacheIsReadToItsEnd) {
  // About 1.2 MB of rows in several partitions, ten times the cache: it stays until a later
  // statement finishes, then goes.
  const HttpResult first = post_sql(generator(6000, 200));
  ASSERT_EQ(first.status, 200) << first.body;
  const rapidjson::Document body = first.json();
  const auto info = body["resultSetMetaData"]["partitionInfo"].GetArray();
  ASSERT_GT(info.Size(), 2u);
  const std::string handle = body["statementHandle"].GetString();
  std::uint64_t rows = 0;
  for (rapidjson::SizeType p = 0; p < info.Size(); ++p) {
    const HttpResult part = get("/api/v2/statements/" + handle + "?partition=" + std::to_string(p));
    ASSERT_EQ(part.status, 200) << "partition " << p << ": " << part.body;
    rows += info[p]["rowCount"].GetUint64();
  }
  EXPECT_EQ(rows, 6000u);
  ASSERT_EQ(post_sql(generator(10)).status, 200);
  EXPECT_EQ(get("/api/v2/statements/" + handle + "?partition=1").status, 400);
}

}  // namespace
