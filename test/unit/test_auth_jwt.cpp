// Unit tests for sfq::detail::Authenticator: the key-pair JWT checked independently (decoded by
// hand, signature verified with OpenSSL's EVP_DigestVerify against the public key), caching and
// renewal on an injected clock, invalidation under concurrency, and OAuth/PAT headers.
#include <gtest/gtest.h>

#include <latch>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "auth/authenticator.hpp"
#include "support/auth_support.hpp"

namespace {

using namespace std::chrono_literals;
using sfq::ErrorCategory;
using sfq::detail::Authenticator;
using sfq::detail::JwtSettings;
using sfq_test::key_path;
using sfq_test::ManualClock;
using sfq_test::read_text_file;
using sfq_test::ScopedEnv;

constexpr std::int64_t kStart = 1'700'000'000;  // 2023-11-14T22:13:20Z
const std::string kTestPassphrase = "test-only-passphrase";

struct DecodedJwt {
  nlohmann::json header;
  nlohmann::json payload;
  std::string signed_text;  // "<header>.<payload>" as sent
  std::string signature;    // raw bytes
};

// Splits and decodes a compact JWS without any library JWT code.
DecodedJwt decode(const std::string& token) {
  DecodedJwt jwt;
  const std::size_t first = token.find('.');
  const std::size_t second = token.find('.', first + 1);
  EXPECT_NE(first, std::string::npos);
  EXPECT_NE(second, std::string::npos);
  EXPECT_EQ(token.find('.', second + 1), std::string::npos) << "more than three parts";
  EXPECT_EQ(token.find('='), std::string::npos) << "base64url must be unpadded";
  const auto header = sfq_test::base64url_decode(token.substr(0, first));
  const auto payload = sfq_test::base64url_decode(token.substr(first + 1, second - first - 1));
  const auto signature = sfq_test::base64url_decode(token.substr(second + 1));
  EXPECT_TRUE(header && payload && signature);
  if (!header || !payload || !signature) return jwt;
  jwt.header = nlohmann::json::parse(*header);
  jwt.payload = nlohmann::json::parse(*payload);
  jwt.signed_text = token.substr(0, second);
  jwt.signature = *signature;
  return jwt;
}

std::string token_of(const std::string& header_value) {
  EXPECT_EQ(header_value.rfind("Bearer ", 0), 0u) << header_value.substr(0, 10);
  return header_value.substr(7);
}

class JwtTest : public ::testing::Test {
 protected:
  sfq::ConnectionOptions options(const std::string& account = "myorg-myacct",
                                 const std::string& user = "jsmith") const {
    sfq::ConnectionOptions o;
    o.account = account;
    o.user = user;
    o.private_key_file = key_path("rsa_2048_des3.p8");
    o.private_key_passphrase = sfq::Secret(kTestPassphrase);
    return o;
  }

  std::unique_ptr<Authenticator> make(const sfq::ConnectionOptions& o, JwtSettings settings = {}) {
    auto created = Authenticator::create(
        o, [this] { return clock_.now(); }, settings);
    EXPECT_TRUE(created) << created.error().what();
    return created ? std::move(*created) : nullptr;
  }

  std::string fingerprint() const {
    std::string fp = read_text_file(key_path("rsa_2048.fp"));
    while (!fp.empty() && fp.back() == '\n') fp.pop_back();
    return "SHA256:" + fp;
  }

  ScopedEnv no_env_{"PRIVATE_KEY_PASSPHRASE", std::nullopt};
  ManualClock clock_{kStart};
};
// Suite names start with "auth" so that `ctest -R auth` selects the auth tests.
using auth_jwt = JwtTest;

TEST_F(auth_jwt, ClaimsAndSignatureVerifiedIndependently) {
  auto auth = make(options());
  ASSERT_TRUE(auth);
  auto header = auth->authorization();
  ASSERT_TRUE(header) << header.error().what();
  const DecodedJwt jwt = decode(token_of(*header));

  EXPECT_EQ(jwt.header, nlohmann::json::parse(R"({"alg":"RS256","typ":"JWT"})"));
  EXPECT_EQ(jwt.payload["iss"], "MYORG-MYACCT.JSMITH." + fingerprint());
  EXPECT_EQ(jwt.payload["sub"], "MYORG-MYACCT.JSMITH");
  EXPECT_EQ(jwt.payload["iat"], kStart);
  EXPECT_EQ(jwt.payload["exp"], kStart + 59 * 60);
  EXPECT_EQ(jwt.payload.size(), 4u) << jwt.payload.dump();

  const auto public_key = sfq_test::read_public_pem(read_text_file(key_path("rsa_2048.pub")));
  ASSERT_TRUE(public_key);
  EXPECT_TRUE(sfq_test::verify_rs256(public_key.get(), jwt.signed_text, jwt.signature));

  // The check above can fail: a changed byte in the signed text does not verify.
  std::string tampered = jwt.signed_text;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(sfq_test::verify_rs256(public_key.get(), tampered, jwt.signature));
  ERR_clear_error();
}

TEST_F(auth_jwt, KeyGeneratedInTheTestSignsVerifiably) {
  const auto key = sfq_test::openssl_rsa_key(3072);
  ASSERT_TRUE(key);
  sfq::ConnectionOptions o;
  o.account = "xy12345.eu-central-1.privatelink";
  o.user = "Svc_Loader";
  o.private_key_pem = sfq::Secret(sfq_test::openssl_pkcs8_pem(key.get()));
  auto auth = make(o);
  ASSERT_TRUE(auth);
  const DecodedJwt jwt = decode(token_of(auth->authorization().value()));
  EXPECT_EQ(jwt.payload["sub"], "XY12345.SVC_LOADER");
  EXPECT_EQ(jwt.payload["iss"], "XY12345.SVC_LOADER." + sfq_test::openssl_fingerprint(key.get()));
  EXPECT_TRUE(sfq_test::verify_rs256(key.get(), jwt.signed_text, jwt.signature));
}

TEST_F(auth_jwt, IdentityAndTokenType) {
  auto auth = make(options("myorg-myacct.snowflakecomputing.com"));
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->token_type(), "KEYPAIR_JWT");
  EXPECT_TRUE(auth->renewable());
  EXPECT_EQ(auth->subject(), "MYORG-MYACCT.JSMITH");
  EXPECT_EQ(auth->issuer(), "MYORG-MYACCT.JSMITH." + fingerprint());
  EXPECT_EQ(auth->identity(), "JWT for MYORG-MYACCT.JSMITH, public key " + fingerprint());
  EXPECT_EQ(auth->mints(), 0u) << "nothing is minted before it is asked for";
}

TEST_F(auth_jwt, CachedUntilTheRefreshMarginThenRenewed) {
  auto auth = make(options());
  ASSERT_TRUE(auth);
  const std::string first = auth->authorization().value();
  EXPECT_EQ(auth->authorization().value(), first);
  EXPECT_EQ(auth->mints(), 1u);

  // Default: 59-minute tokens renewed when less than 5 minutes are left, i.e. after 54 minutes.
  clock_.advance(54min - 1s);
  EXPECT_EQ(auth->authorization().value(), first);
  EXPECT_EQ(auth->mints(), 1u);

  clock_.advance(1s);
  const std::string second = auth->authorization().value();
  EXPECT_EQ(auth->mints(), 2u);
  EXPECT_NE(second, first);
  const DecodedJwt jwt = decode(token_of(second));
  EXPECT_EQ(jwt.payload["iat"], kStart + 54 * 60);
  EXPECT_EQ(jwt.payload["exp"], kStart + 54 * 60 + 59 * 60);
  EXPECT_EQ(auth->authorization().value(), second);
  EXPECT_EQ(auth->mints(), 2u);
}

TEST_F(auth_jwt, ConfigurableLifetimeAndMargin) {
  auto auth = make(options(), JwtSettings{120s, 30s});
  ASSERT_TRUE(auth);
  const DecodedJwt jwt = decode(token_of(auth->authorization().value()));
  EXPECT_EQ(jwt.payload["exp"].get<std::int64_t>() - jwt.payload["iat"].get<std::int64_t>(), 120);
  clock_.advance(89s);
  (void)auth->authorization().value();
  EXPECT_EQ(auth->mints(), 1u);
  clock_.advance(1s);
  (void)auth->authorization().value();
  EXPECT_EQ(auth->mints(), 2u);
}

TEST_F(auth_jwt, SubSecondClockIsTruncatedToWholeSeconds) {
  clock_.advance(999ms);
  auto auth = make(options());
  ASSERT_TRUE(auth);
  const DecodedJwt jwt = decode(token_of(auth->authorization().value()));
  EXPECT_EQ(jwt.payload["iat"], kStart);
}

TEST_F(auth_jwt, LifetimeAboveOneHourOrBadMarginIsRefused) {
  for (const JwtSettings settings : {JwtSettings{61min, 5min}, JwtSettings{0s, 0s},
                                     JwtSettings{10min, 10min}, JwtSettings{10min, -1s}}) {
    auto created = Authenticator::create(options(), {}, settings);
    ASSERT_FALSE(created) << settings.lifetime.count() << "/" << settings.refresh_margin.count();
    EXPECT_EQ(created.error().category(), ErrorCategory::config);
  }
  EXPECT_TRUE(Authenticator::create(options(), {}, JwtSettings{60min, 0s}));
}

TEST_F(auth_jwt, InvalidateMintsOnceMoreAndIgnoresStaleTokens) {
  auto auth = make(options());
  ASSERT_TRUE(auth);
  const std::string first = auth->authorization().value();
  clock_.advance(3s);

  auth->invalidate(first);  // the whole header value is accepted
  const std::string second = auth->authorization().value();
  EXPECT_EQ(auth->mints(), 2u);
  EXPECT_NE(second, first);

  auth->invalidate(token_of(first));  // stale: already replaced
  EXPECT_EQ(auth->authorization().value(), second);
  EXPECT_EQ(auth->mints(), 2u);

  auth->invalidate("some.other.token");
  EXPECT_EQ(auth->authorization().value(), second);
  EXPECT_EQ(auth->mints(), 2u);

  clock_.advance(3s);
  auth->invalidate(token_of(second));  // the current token: dropped
  const std::string third = auth->authorization().value();
  EXPECT_EQ(auth->mints(), 3u);
  EXPECT_NE(third, second);

  auth->invalidate("");  // unconditional
  (void)auth->authorization().value();
  EXPECT_EQ(auth->mints(), 4u);
}

// After a 401 390144 every rejected request invalidates its token and asks again; however many
// there are, one new token is minted. With the clock standing still the new token has the same
// claims and hence the same bytes as the rejected one (RS256 is deterministic), which must not
// make late callers mint again.
void race_invalidations(Authenticator& auth, ManualClock* clock_to_move) {
  constexpr int kThreads = 16;
  const std::string rejected = auth.authorization().value();
  const std::uint64_t before = auth.mints();
  if (clock_to_move != nullptr) clock_to_move->advance(2s);

  std::latch start(kThreads);
  std::vector<std::string> renewed(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auth.invalidate(rejected);
      renewed[static_cast<std::size_t>(i)] = auth.authorization().value();
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(auth.mints(), before + 1);
  EXPECT_EQ(std::set<std::string>(renewed.begin(), renewed.end()).size(), 1u);
  if (clock_to_move != nullptr) {
    EXPECT_NE(renewed.front(), rejected);
  }
}

TEST_F(auth_jwt, SixteenThreadsInvalidatingTogetherCauseOneMint) {
  auto auth = make(options());
  ASSERT_TRUE(auth);
  race_invalidations(*auth, &clock_);
}

TEST_F(auth_jwt, SixteenThreadsInvalidatingWithAStoppedClockCauseOneMint) {
  auto auth = make(options());
  ASSERT_TRUE(auth);
  race_invalidations(*auth, nullptr);
}

TEST_F(auth_jwt, ConcurrentFirstUseMintsOnce) {
  auto auth = make(options());
  ASSERT_TRUE(auth);
  constexpr int kThreads = 16;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      EXPECT_TRUE(auth->authorization());
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(auth->mints(), 1u);
}

TEST_F(auth_jwt, MissingAccountUserOrKeyAreConfigErrors) {
  auto no_account = options("");
  auto no_user = options("myorg-myacct", "");
  auto no_key = options();
  no_key.private_key_file.clear();
  for (const auto& [o, field] : {std::pair{no_account, "account"}, std::pair{no_user, "user"},
                                 std::pair{no_key, "private_key_file"}}) {
    auto created = Authenticator::create(o);
    ASSERT_FALSE(created) << field;
    EXPECT_EQ(created.error().category(), ErrorCategory::config) << field;
    EXPECT_NE(created.error().message().find(field), std::string::npos)
        << created.error().message();
  }
}

TEST_F(auth_jwt, WrongPassphraseFailsCreationWithoutLeakingIt) {
  auto o = options();
  o.private_key_passphrase = sfq::Secret("Not-The-Passphrase-123");
  auto created = Authenticator::create(o);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().category(), ErrorCategory::auth);
  EXPECT_NE(created.error().message().find("wrong passphrase"), std::string::npos);
  EXPECT_EQ(std::string(created.error().what()).find("Not-The-Passphrase-123"), std::string::npos);
}

TEST_F(auth_jwt, AUserNameThatIsNotUtf8IsAnAuthErrorNotACrash) {
  auto auth = make(options("myorg-myacct", "bad\xff"));
  ASSERT_TRUE(auth);
  auto header = auth->authorization();
  ASSERT_FALSE(header);
  EXPECT_EQ(header.error().category(), ErrorCategory::auth);
  EXPECT_EQ(auth->mints(), 0u);
}

struct StaticCase {
  sfq::AuthMethod method;
  const char* token_type;
};

void PrintTo(const StaticCase& c, std::ostream* os) { *os << sfq::to_string(c.method); }

class StaticTokenTest : public ::testing::TestWithParam<StaticCase> {};

TEST_P(StaticTokenTest, BearerHeaderAndTokenType) {
  sfq::ConnectionOptions o;
  o.auth = GetParam().method;
  o.account = "myorg-myacct";
  o.token = sfq::Secret("ver:1-hint:1234-ETMsDgAAAY");
  auto created = Authenticator::create(o);
  ASSERT_TRUE(created) << created.error().what();
  Authenticator& auth = **created;
  EXPECT_EQ(auth.authorization().value(), "Bearer ver:1-hint:1234-ETMsDgAAAY");
  EXPECT_EQ(auth.token_type(), GetParam().token_type);
  EXPECT_FALSE(auth.renewable());
  auth.invalidate("ver:1-hint:1234-ETMsDgAAAY");
  EXPECT_EQ(auth.authorization().value(), "Bearer ver:1-hint:1234-ETMsDgAAAY");
  EXPECT_EQ(auth.mints(), 0u);
  EXPECT_EQ(auth.identity().find("ETMsDg"), std::string::npos);
}

TEST_P(StaticTokenTest, EmptyTokenIsAConfigError) {
  sfq::ConnectionOptions o;
  o.auth = GetParam().method;
  o.account = "myorg-myacct";
  auto created = Authenticator::create(o);
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().category(), ErrorCategory::config);
  EXPECT_NE(created.error().message().find("set token"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(auth_static_token, StaticTokenTest,
                         ::testing::Values(StaticCase{sfq::AuthMethod::oauth, "OAUTH"},
                                           StaticCase{sfq::AuthMethod::programmatic_access_token,
                                                      "PROGRAMMATIC_ACCESS_TOKEN"}),
                         [](const auto& info) {
                           return std::string(sfq::to_string(info.param.method));
                         });

}  // namespace
