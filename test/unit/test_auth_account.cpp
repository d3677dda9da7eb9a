// Unit tests for the JWT account name and the default host: every case of the connectors'
// rules in docs/SQL_API_NOTES.md §7 (the Python connector's and gosnowflake's own test vectors),
// full hosts, and the cases where connectors disagree (the expectation records the choice made in
// account.cpp).
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "sfq/names.hpp"

namespace {

struct AccountCase {
  const char* name;
  const char* input;
  const char* expected;
};

void PrintTo(const AccountCase& c, std::ostream* os) { *os << c.name << " (" << c.input << ")"; }

class JwtAccountTest : public ::testing::TestWithParam<AccountCase> {};

TEST_P(JwtAccountTest, Normalises) {
  EXPECT_EQ(sfq::jwt_account_name(GetParam().input), GetParam().expected);
}

// snowflake-connector-python test/integ/test_key_pair_authentication.py.
INSTANTIATE_TEST_SUITE_P(
    auth_account_pyc, JwtAccountTest,
    ::testing::Values(
        // PYC's keypair.prepare() alone gives "S3TESTACCOUNT.GLOBAL"; a dot in the JWT account is
        // invalid and every other connector (and PYC's own parse_account, which runs first in a
        // real connection) drops ".global": see account.cpp.
        AccountCase{"GlobalWithoutConnectionGroup", "s3testaccount.global", "S3TESTACCOUNT"},
        AccountCase{"Dashes", "acct-with-dashes", "ACCT-WITH-DASHES"},
        AccountCase{"ExtraLabel", "testaccount.extra", "TESTACCOUNT"},
        AccountCase{"GlobalWithConnectionGroup", "testaccount-user.global", "TESTACCOUNT"}),
    [](const auto& info) { return std::string(info.param.name); });

// gosnowflake internal/config/dsn_test.go TestExtractAccountName.
INSTANTIATE_TEST_SUITE_P(
    auth_account_gosnowflake, JwtAccountTest,
    ::testing::Values(
        AccountCase{"LocatorRegionPrivatelink", "myaccount.eu-central-1.privatelink", "MYACCOUNT"},
        AccountCase{"OrgAccountPrivatelink", "myorg-myaccount.privatelink", "MYORG-MYACCOUNT"},
        AccountCase{"Underscore", "myorg-my_account", "MYORG-MY_ACCOUNT"},
        AccountCase{"Hyphens", "myorg-my-account", "MYORG-MY-ACCOUNT"}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    auth_account_identifiers, JwtAccountTest,
    ::testing::Values(AccountCase{"OrgAccount", "myorg-myacct", "MYORG-MYACCT"},
                      AccountCase{"AlreadyUpper", "MYORG-MYACCT", "MYORG-MYACCT"},
                      AccountCase{"MixedCase", "MyOrg-MyAcct", "MYORG-MYACCT"},
                      AccountCase{"Locator", "xy12345", "XY12345"},
                      AccountCase{"LocatorRegion", "xy12345.eu-central-1", "XY12345"},
                      AccountCase{"LocatorRegionCloud", "xy12345.us-east-2.aws", "XY12345"},
                      AccountCase{"LocatorChina", "xy12345.cn-north-1", "XY12345"},
                      AccountCase{"GlobalUpperCase", "myacct-group1.GLOBAL", "MYACCT"},
                      // The connection group is cut at the last hyphen (gosnowflake,
                      // libsnowflakeclient, PYC parse_account), keeping an org-account name intact.
                      AccountCase{"GlobalOrgAccount", "myorg-myacct-group1.global", "MYORG-MYACCT"},
                      // An "org.account" SQL-style identifier: connectors cut at the first dot (the
                      // docs' replace-dots rule is not followed, see account.cpp).
                      AccountCase{"OrgDotAccount", "myorg.myacct", "MYORG"},
                      AccountCase{"Blanks", "  myorg-myacct \n", "MYORG-MYACCT"},
                      AccountCase{"Empty", "", ""}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    auth_account_hosts, JwtAccountTest,
    ::testing::Values(
        AccountCase{"OrgAccountHost", "myorg-myacct.snowflakecomputing.com", "MYORG-MYACCT"},
        AccountCase{"PrivatelinkLocatorHost",
                    "xy12345.eu-central-1.privatelink.snowflakecomputing.com", "XY12345"},
        AccountCase{"PrivatelinkOrgHost", "myorg-myacct.privatelink.snowflakecomputing.com",
                    "MYORG-MYACCT"},
        AccountCase{"LocatorRegionCloudHost", "xy12345.us-east-2.aws.snowflakecomputing.com",
                    "XY12345"},
        AccountCase{"GlobalHost", "myacct-group1.global.snowflakecomputing.com", "MYACCT"},
        AccountCase{"ChinaHost", "xy12345.cn-north-1.snowflakecomputing.cn", "XY12345"},
        AccountCase{"UpperCaseHost", "MYORG-MYACCT.SNOWFLAKECOMPUTING.COM", "MYORG-MYACCT"},
        AccountCase{"Url", "https://myorg-myacct.snowflakecomputing.com/", "MYORG-MYACCT"},
        AccountCase{"UrlWithPortAndPath",
                    "https://xy12345.eu-central-1.privatelink.snowflakecomputing.com:443/api/v2",
                    "XY12345"},
        AccountCase{"FullyQualified", "myorg-myacct.snowflakecomputing.com.", "MYORG-MYACCT"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(auth_account_identifier, WhatPeoplePasteBecomesTheAccountKey) {
  using sfq::account_identifier;
  EXPECT_EQ(account_identifier("https://xy12345.eu-west-1.snowflakecomputing.com/console#/"),
            "xy12345.eu-west-1");
  EXPECT_EQ(account_identifier("xy12345.eu-central-1.privatelink.snowflakecomputing.com:443"),
            "xy12345.eu-central-1.privatelink");
  EXPECT_EQ(account_identifier("MyOrg-MyAcct.snowflakecomputing.com."), "MyOrg-MyAcct");
  EXPECT_EQ(account_identifier("  xy12345.us-east-2.aws \n"), "xy12345.us-east-2.aws");
  EXPECT_EQ(account_identifier("myorg-myacct"), "myorg-myacct");
  EXPECT_EQ(account_identifier("https://"), "");
  // What it gives back means the same host and the same JWT account as what was pasted.
  for (const char* pasted : {"https://xy12345.eu-west-1.snowflakecomputing.com/x",
                             "xy12345.cn-north-1.snowflakecomputing.cn"}) {
    const std::string id = account_identifier(pasted);
    EXPECT_EQ(sfq::default_host(id), sfq::default_host(pasted)) << pasted;
    EXPECT_EQ(sfq::jwt_account_name(id), sfq::jwt_account_name(pasted)) << pasted;
  }
}

TEST(auth_jwt_user, IsUpperCased) {
  EXPECT_EQ(sfq::jwt_user_name("jsmith"), "JSMITH");
  EXPECT_EQ(sfq::jwt_user_name("John.Smith@Example.com"), "JOHN.SMITH@EXAMPLE.COM");
  EXPECT_EQ(sfq::jwt_user_name("svc_etl-1"), "SVC_ETL-1");
  // Only ASCII letters change; UTF-8 bytes pass through unchanged.
  EXPECT_EQ(sfq::jwt_user_name("j\xC3\xBCrgen"), "J\xC3\xBCRGEN");
}

struct HostCase {
  const char* name;
  const char* account;
  const char* host;
};

void PrintTo(const HostCase& c, std::ostream* os) { *os << c.name << " (" << c.account << ")"; }

class DefaultHostTest : public ::testing::TestWithParam<HostCase> {};

TEST_P(DefaultHostTest, Derives) {
  EXPECT_EQ(sfq::default_host(GetParam().account), GetParam().host);
}

INSTANTIATE_TEST_SUITE_P(
    auth_default_host, DefaultHostTest,
    ::testing::Values(
        HostCase{"OrgAccount", "myorg-myacct", "myorg-myacct.snowflakecomputing.com"},
        HostCase{"UpperCase", "MYORG-MYACCT", "myorg-myacct.snowflakecomputing.com"},
        HostCase{"LocatorRegion", "xy12345.eu-central-1",
                 "xy12345.eu-central-1.snowflakecomputing.com"},
        HostCase{"LocatorRegionCloud", "xy12345.east-us-2.azure",
                 "xy12345.east-us-2.azure.snowflakecomputing.com"},
        HostCase{"Privatelink", "myorg-myacct.privatelink",
                 "myorg-myacct.privatelink.snowflakecomputing.com"},
        HostCase{"LocatorPrivatelink", "xy12345.eu-central-1.privatelink",
                 "xy12345.eu-central-1.privatelink.snowflakecomputing.com"},
        HostCase{"Global", "myacct-group1.global", "myacct-group1.global.snowflakecomputing.com"},
        HostCase{"China", "xy12345.cn-north-1", "xy12345.cn-north-1.snowflakecomputing.cn"},
        HostCase{"ChinaUpper", "XY12345.CN-NORTHWEST-1.AWS",
                 "xy12345.cn-northwest-1.aws.snowflakecomputing.cn"},
        // "cn-" must start the region, not appear anywhere in the account.
        HostCase{"NotChina", "acn-x.us-east-1", "acn-x.us-east-1.snowflakecomputing.com"},
        HostCase{"AlreadyAHost", "myorg-myacct.snowflakecomputing.com",
                 "myorg-myacct.snowflakecomputing.com"},
        HostCase{"AlreadyAChinaHost", "xy12345.cn-north-1.snowflakecomputing.cn",
                 "xy12345.cn-north-1.snowflakecomputing.cn"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
