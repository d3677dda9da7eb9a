// Unit tests for private key loading, fingerprints and the public key helpers (sfq/keys.hpp).
// Expected values come from the openssl command-line tool (test/data/keys) or from OpenSSL calls
// made in the test, never from libsfq itself.
#include <gtest/gtest.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <filesystem>
#include <string>

#include "auth/private_key.hpp"
#include "sfq/keys.hpp"
#include "support/auth_support.hpp"

namespace {

using sfq::ErrorCategory;
using sfq_test::key_path;
using sfq_test::read_text_file;
using sfq_test::ScopedEnv;

constexpr const char* kEnv = "PRIVATE_KEY_PASSPHRASE";
const std::string kTestPassphrase = "test-only-passphrase";  // of the committed encrypted keys

std::string known_fingerprint() {
  std::string fp = read_text_file(key_path("rsa_2048.fp"));
  while (!fp.empty() && (fp.back() == '\n' || fp.back() == '\r')) fp.pop_back();
  return "SHA256:" + fp;
}

sfq::ConnectionOptions key_file_options(const std::string& file, std::string passphrase = {}) {
  sfq::ConnectionOptions options;
  options.account = "myorg-myacct";
  options.user = "me";
  options.private_key_file = file;
  options.private_key_passphrase = sfq::Secret(std::move(passphrase));
  return options;
}

sfq::ConnectionOptions key_pem_options(std::string pem, std::string passphrase = {}) {
  sfq::ConnectionOptions options;
  options.account = "myorg-myacct";
  options.user = "me";
  options.private_key_pem = sfq::Secret(std::move(pem));
  options.private_key_passphrase = sfq::Secret(std::move(passphrase));
  return options;
}

// The fingerprint of a loaded key, or the error message.
std::string load_and_fingerprint(const sfq::ConnectionOptions& options) {
  auto key = sfq::detail::load_private_key(options);
  if (!key) return "error: " + key.error().message();
  auto fp = sfq::detail::public_key_fingerprint(key->get());
  return fp ? *fp : "error: " + fp.error().message();
}

class KeyFileTest : public ::testing::TestWithParam<std::pair<const char*, bool>> {
 protected:
  ScopedEnv no_env_{kEnv, std::nullopt};
};

// Every committed encoding of the same key (PKCS#8 plain and DES3-encrypted as Snowflake's docs
// make them, PKCS#1 plain and AES-encrypted) gives the fingerprint the openssl CLI computed.
TEST_P(KeyFileTest, LoadsAndMatchesTheCliFingerprint) {
  const auto [file, encrypted] = GetParam();
  const auto options = key_file_options(key_path(file), encrypted ? kTestPassphrase : "");
  EXPECT_EQ(load_and_fingerprint(options), known_fingerprint());
}

INSTANTIATE_TEST_SUITE_P(auth_key_files, KeyFileTest,
                         ::testing::Values(std::pair{"rsa_2048.p8", false},
                                           std::pair{"rsa_2048_des3.p8", true},
                                           std::pair{"rsa_2048_pkcs1.pem", false},
                                           std::pair{"rsa_2048_pkcs1_aes.pem", true}),
                         [](const auto& info) {
                           std::string name = info.param.first;
                           for (char& c : name) {
                             if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
                           }
                           return name;
                         });

TEST(auth_fingerprint, KnownVectorAndIndependentComputationAgree) {
  // The committed vector was computed by `openssl rsa -pubin -outform DER | openssl dgst
  // -sha256 -binary | openssl enc -base64`; the independent one by i2d_PUBKEY + SHA-256 here.
  const auto public_key = sfq_test::read_public_pem(read_text_file(key_path("rsa_2048.pub")));
  ASSERT_TRUE(public_key);
  EXPECT_EQ(sfq_test::openssl_fingerprint(public_key.get()), known_fingerprint());
  EXPECT_EQ(known_fingerprint().size(), 7u + 44u);  // "SHA256:" + 32 bytes in padded base64
  EXPECT_EQ(known_fingerprint().back(), '=');
}

TEST(auth_fingerprint, OfAPublicKeyPemAndOfItsBareBody) {
  const std::string pem = read_text_file(key_path("rsa_2048.pub"));
  auto from_pem = sfq::public_key_fingerprint(pem);
  ASSERT_TRUE(from_pem) << from_pem.error().what();
  EXPECT_EQ(*from_pem, known_fingerprint());

  sfq::KeyPair pair;
  pair.public_key_pem = pem;
  auto from_body = sfq::public_key_fingerprint(pair.public_key_base64());
  ASSERT_TRUE(from_body) << from_body.error().what();
  EXPECT_EQ(*from_body, known_fingerprint());
}

TEST(auth_fingerprint, RejectsGarbageAndPrivateKeys) {
  auto garbage = sfq::public_key_fingerprint("not a key at all");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().category(), ErrorCategory::auth);

  auto bad_pem = sfq::public_key_fingerprint(
      "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC "
      "KEY-----\n");
  ASSERT_FALSE(bad_pem);
  EXPECT_NE(bad_pem.error().message().find("not a PEM public key"), std::string::npos);

  auto private_key = sfq::public_key_fingerprint(read_text_file(key_path("rsa_2048.p8")));
  ASSERT_FALSE(private_key);
  EXPECT_NE(private_key.error().message().find("private key"), std::string::npos);
}

TEST(auth_key_pair, PublicKeyBase64IsThePemBodyOnOneLine) {
  const std::string pem = read_text_file(key_path("rsa_2048.pub"));
  std::string expected;
  std::istringstream lines(pem);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("-----", 0) != 0) expected += line;
  }
  sfq::KeyPair pair;
  pair.public_key_pem = pem;
  EXPECT_EQ(pair.public_key_base64(), expected);
  EXPECT_EQ(pair.public_key_base64().find('\n'), std::string::npos);
  EXPECT_EQ(pair.public_key_base64().rfind("MIIBIjANBgkqh", 0), 0u);  // as in Snowflake's docs
}

TEST(auth_key_pair, GeneratesAnUnencryptedPkcs8KeyOpenSslReads) {
  auto pair = sfq::generate_key_pair(2048);
  ASSERT_TRUE(pair) << pair.error().what();
  EXPECT_EQ(pair->private_key_pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  EXPECT_EQ(pair->public_key_pem.rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);

  const auto private_key = sfq_test::read_private_pem(pair->private_key_pem);
  ASSERT_TRUE(private_key);
  EXPECT_EQ(EVP_PKEY_get_base_id(private_key.get()), EVP_PKEY_RSA);
  EXPECT_EQ(EVP_PKEY_get_bits(private_key.get()), 2048);
  EXPECT_EQ(pair->fingerprint, sfq_test::openssl_fingerprint(private_key.get()));

  const auto public_key = sfq_test::read_public_pem(pair->public_key_pem);
  ASSERT_TRUE(public_key);
  EXPECT_EQ(EVP_PKEY_eq(private_key.get(), public_key.get()), 1);
}

// The encryption of a PKCS#8 PEM: the PBES2 key derivation and cipher NIDs.
std::pair<int, int> pkcs8_encryption(const std::string& pem) {
  sfq_test::Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509_SIG* sig = PEM_read_bio_PKCS8(bio.get(), nullptr, nullptr, nullptr);
  if (sig == nullptr) return {0, 0};
  const X509_ALGOR* algorithm = nullptr;
  X509_SIG_get0(sig, &algorithm, nullptr);
  std::pair<int, int> result{0, 0};
  const ASN1_OBJECT* oid = nullptr;
  int parameter_type = 0;
  const void* parameter = nullptr;
  X509_ALGOR_get0(&oid, &parameter_type, &parameter, algorithm);
  if (OBJ_obj2nid(oid) == NID_pbes2 && parameter_type == V_ASN1_SEQUENCE) {
    ASN1_TYPE wrapped{};
    wrapped.type = V_ASN1_SEQUENCE;
    wrapped.value.sequence = static_cast<ASN1_STRING*>(const_cast<void*>(parameter));
    auto* pbes2 =
        static_cast<PBE2PARAM*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), &wrapped));
    if (pbes2 != nullptr) {
      result = {OBJ_obj2nid(pbes2->keyfunc->algorithm), OBJ_obj2nid(pbes2->encryption->algorithm)};
      PBE2PARAM_free(pbes2);
    }
  }
  X509_SIG_free(sig);
  return result;
}

TEST(auth_key_pair, GeneratesAnAes256Pbkdf2EncryptedKey) {
  const std::string passphrase = "correct horse battery staple";
  auto pair = sfq::generate_key_pair(2048, passphrase);
  ASSERT_TRUE(pair) << pair.error().what();
  EXPECT_EQ(pair->private_key_pem.rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----", 0), 0u);
  EXPECT_EQ(pkcs8_encryption(pair->private_key_pem),
            std::make_pair(NID_id_pbkdf2, NID_aes_256_cbc));

  EXPECT_FALSE(sfq_test::read_private_pem(pair->private_key_pem, "wrong"));
  const auto key = sfq_test::read_private_pem(pair->private_key_pem, passphrase);
  ASSERT_TRUE(key);
  EXPECT_EQ(pair->fingerprint, sfq_test::openssl_fingerprint(key.get()));
  ERR_clear_error();
}

TEST(auth_key_pair, RefusesKeysShorterThan2048Bits) {
  auto pair = sfq::generate_key_pair(1024);
  ASSERT_FALSE(pair);
  EXPECT_EQ(pair.error().category(), ErrorCategory::auth);
  EXPECT_NE(pair.error().message().find("2048"), std::string::npos);
}

TEST(auth_key_pair, PublicKeyFromPrivateMatchesTheCli) {
  const std::string expected = read_text_file(key_path("rsa_2048.pub"));
  auto plain = sfq::public_key_from_private(read_text_file(key_path("rsa_2048.p8")));
  ASSERT_TRUE(plain) << plain.error().what();
  EXPECT_EQ(*plain, expected);
  auto encrypted =
      sfq::public_key_from_private(read_text_file(key_path("rsa_2048_des3.p8")), kTestPassphrase);
  ASSERT_TRUE(encrypted) << encrypted.error().what();
  EXPECT_EQ(*encrypted, expected);
}

TEST(auth_key_pair, PublicKeyFromPrivateWithAWrongPassphraseKeepsItSecret) {
  const std::string wrong = "Wr0ng-Passphrase-4f9c";
  auto result = sfq::public_key_from_private(read_text_file(key_path("rsa_2048_des3.p8")), wrong);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().category(), ErrorCategory::auth);
  EXPECT_NE(result.error().message().find("wrong passphrase"), std::string::npos);
  EXPECT_EQ(std::string(result.error().what()).find(wrong), std::string::npos);
}

class KeyLoadTest : public ::testing::Test {
 protected:
  ScopedEnv no_env_{kEnv, std::nullopt};
};
// Suite names start with "auth" so that `ctest -R auth` selects the auth tests.
using auth_key_loading = KeyLoadTest;

// Found by fuzzing (test/fuzz/fuzz_pem.cpp): a BEGIN line without its closing dashes made the
// error quote everything up to the next "-----", key text included.
TEST(auth_key_parse, AnUnclosedBeginLineIsNotQuotedWithTheKeyTextAfterIt) {
  const std::string pem =
      "-----BEGIN RSA KEY\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCsecretKeyBytes\n"
      "-----END RSA KEY-----\n";
  auto key = sfq::detail::parse_private_key_pem(pem, "", "private key file 'k.p8'");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().message().find("secretKeyBytes"), std::string::npos)
      << key.error().message();
  EXPECT_NE(key.error().message().find("not a PEM private key"), std::string::npos)
      << key.error().message();

  // A well-formed label is still named.
  auto cert = sfq::detail::parse_private_key_pem(
      "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "", "k");
  ASSERT_FALSE(cert.ok());
  EXPECT_NE(cert.error().message().find("'CERTIFICATE'"), std::string::npos)
      << cert.error().message();
}

TEST_F(auth_key_loading, KeysMadeByOpenSslInTheTest) {
  const auto key = sfq_test::openssl_rsa_key(2048);
  ASSERT_TRUE(key);
  const std::string expected = sfq_test::openssl_fingerprint(key.get());

  EXPECT_EQ(load_and_fingerprint(key_pem_options(sfq_test::openssl_pkcs8_pem(key.get()))),
            expected);
  EXPECT_EQ(load_and_fingerprint(key_pem_options(
                sfq_test::openssl_pkcs8_pem(key.get(), EVP_aes_256_cbc(), "s3cret"), "s3cret")),
            expected);
  EXPECT_EQ(load_and_fingerprint(key_pem_options(
                sfq_test::openssl_pkcs8_pem(key.get(), EVP_des_ede3_cbc(), "s3cret"), "s3cret")),
            expected);
  EXPECT_EQ(load_and_fingerprint(key_pem_options(sfq_test::openssl_pkcs1_pem(key.get()))),
            expected);
}

TEST_F(auth_key_loading, KeysMadeByGenerateKeyPair) {
  for (const std::string passphrase : {"", "pass phrase with spaces"}) {
    auto pair = sfq::generate_key_pair(2048, passphrase);
    ASSERT_TRUE(pair) << pair.error().what();
    EXPECT_EQ(load_and_fingerprint(key_pem_options(pair->private_key_pem, passphrase)),
              pair->fingerprint);
  }
}

TEST_F(auth_key_loading, WrongPassphraseIsAClearAuthErrorWithoutThePassphrase) {
  const std::string wrong = "Wr0ng-Passphrase-77aa";
  auto key = sfq::detail::load_private_key(key_file_options(key_path("rsa_2048_des3.p8"), wrong));
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().category(), ErrorCategory::auth);
  const std::string message = key.error().what();
  EXPECT_NE(message.find("wrong passphrase"), std::string::npos) << message;
  EXPECT_NE(message.find("private_key_passphrase"), std::string::npos) << message;
  EXPECT_NE(message.find("rsa_2048_des3.p8"), std::string::npos) << message;
  EXPECT_EQ(message.find(wrong), std::string::npos) << message;
}

TEST_F(auth_key_loading, WrongPassphraseOnAnAesEncryptedKeyMadeInTheTest) {
  const auto key = sfq_test::openssl_rsa_key(2048);
  const std::string pem = sfq_test::openssl_pkcs8_pem(key.get(), EVP_aes_256_cbc(), "right");
  const std::string wrong = "left-not-right-913";
  auto loaded = sfq::detail::load_private_key(key_pem_options(pem, wrong));
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message().find("wrong passphrase"), std::string::npos)
      << loaded.error().message();
  EXPECT_EQ(std::string(loaded.error().what()).find(wrong), std::string::npos);
}

TEST_F(auth_key_loading, EncryptedKeyWithoutPassphraseSaysHowToGiveOne) {
  auto key = sfq::detail::load_private_key(key_file_options(key_path("rsa_2048_des3.p8")));
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().category(), ErrorCategory::auth);
  EXPECT_NE(key.error().message().find("the private key is encrypted: set PRIVATE_KEY_PASSPHRASE "
                                       "or private_key_passphrase"),
            std::string::npos)
      << key.error().message();
}

TEST_F(auth_key_loading, EnvironmentPassphraseWinsOverTheOption) {
  {
    const ScopedEnv env(kEnv, kTestPassphrase);
    EXPECT_EQ(load_and_fingerprint(key_file_options(key_path("rsa_2048_des3.p8"), "wrong")),
              known_fingerprint());
  }
  {
    const ScopedEnv env(kEnv, "wrong-from-env");
    auto key = sfq::detail::load_private_key(
        key_file_options(key_path("rsa_2048_des3.p8"), kTestPassphrase));
    ASSERT_FALSE(key);
    EXPECT_NE(key.error().message().find("it came from PRIVATE_KEY_PASSPHRASE"), std::string::npos)
        << key.error().message();
    EXPECT_EQ(key.error().message().find("wrong-from-env"), std::string::npos);
  }
  {
    // Set but empty counts as unset: the option is used.
    const ScopedEnv env(kEnv, "");
    EXPECT_EQ(load_and_fingerprint(key_file_options(key_path("rsa_2048_des3.p8"), kTestPassphrase)),
              known_fingerprint());
  }
}

TEST_F(auth_key_loading, A1024BitKeyIsRejected) {
  auto key = sfq::detail::load_private_key(key_file_options(key_path("rsa_1024.p8")));
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().category(), ErrorCategory::auth);
  EXPECT_NE(key.error().message().find("1024 bits"), std::string::npos) << key.error().message();
  EXPECT_NE(key.error().message().find("at least 2048"), std::string::npos);
}

TEST_F(auth_key_loading, AnEcKeyIsRejectedWithTheReason) {
  auto key = sfq::detail::load_private_key(key_file_options(key_path("ec_p256.p8")));
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().category(), ErrorCategory::auth);
  EXPECT_NE(key.error().message().find("EC keys are not supported"), std::string::npos)
      << key.error().message();
  EXPECT_NE(key.error().message().find("RS256"), std::string::npos);
}

TEST_F(auth_key_loading, GarbageIsNotAPemPrivateKey) {
  for (const std::string& text :
       {std::string("hello"), std::string("-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END "
                                          "PRIVATE KEY-----\n")}) {
    auto key = sfq::detail::load_private_key(key_pem_options(text));
    ASSERT_FALSE(key) << text;
    EXPECT_EQ(key.error().category(), ErrorCategory::auth);
    EXPECT_EQ(key.error().message().rfind("private_key_pem: ", 0), 0u) << key.error().message();
  }
  auto plain = sfq::detail::load_private_key(key_pem_options("hello"));
  EXPECT_NE(plain.error().message().find("not a PEM private key"), std::string::npos);
}

TEST_F(auth_key_loading, APublicKeyWhereThePrivateKeyBelongsIsNamedAsSuch) {
  auto key = sfq::detail::load_private_key(key_file_options(key_path("rsa_2048.pub")));
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().message().find("holds a public key, not a private key"), std::string::npos)
      << key.error().message();
}

TEST_F(auth_key_loading, AMissingFileNamesThePath) {
  const std::string path = key_path("no_such_key.p8");
  auto key = sfq::detail::load_private_key(key_file_options(path));
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().category(), ErrorCategory::auth);
  EXPECT_NE(key.error().message().find("'" + path + "'"), std::string::npos)
      << key.error().message();
  EXPECT_NE(key.error().message().find("No such file"), std::string::npos);
}

TEST_F(auth_key_loading, ADirectoryIsNotAKeyFile) {
  auto key = sfq::detail::load_private_key(key_file_options(key_path("")));
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().message().find("not a regular file"), std::string::npos)
      << key.error().message();
}

TEST_F(auth_key_loading, AnEmptyFileIsReported) {
  const auto path = std::filesystem::path(::testing::TempDir()) / "sfq_empty_key.p8";
  { std::ofstream touch(path); }
  auto key = sfq::detail::load_private_key(key_file_options(path.string()));
  std::filesystem::remove(path);
  ASSERT_FALSE(key);
  EXPECT_NE(key.error().message().find("is empty"), std::string::npos) << key.error().message();
}

TEST_F(auth_key_loading, NoKeyAtAllIsAConfigError) {
  sfq::ConnectionOptions options;
  auto key = sfq::detail::load_private_key(options);
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().category(), ErrorCategory::config);
  EXPECT_NE(key.error().message().find("private_key_file"), std::string::npos);
}

TEST_F(auth_key_loading, PemTextWinsOverTheFile) {
  const auto key = sfq_test::openssl_rsa_key(2048);
  auto options = key_pem_options(sfq_test::openssl_pkcs8_pem(key.get()));
  options.private_key_file = key_path("rsa_2048.p8");
  EXPECT_EQ(load_and_fingerprint(options), sfq_test::openssl_fingerprint(key.get()));
}

TEST_F(auth_key_loading, ReencodedPemIsUnencryptedPkcs8OfTheSameKey) {
  auto key = sfq::detail::load_private_key(
      key_file_options(key_path("rsa_2048_des3.p8"), kTestPassphrase));
  ASSERT_TRUE(key) << key.error().what();
  auto pem = sfq::detail::private_key_pkcs8_pem(key->get());
  ASSERT_TRUE(pem) << pem.error().what();
  const std::string text(pem->view());
  EXPECT_EQ(text.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
  const auto reread = sfq_test::read_private_pem(text);
  ASSERT_TRUE(reread);
  EXPECT_EQ(sfq_test::openssl_fingerprint(reread.get()), known_fingerprint());
}

TEST(auth_secret_buffer, MovesAndTruncates) {
  sfq::detail::SecretBuffer a(std::string_view("secret-bytes"));
  sfq::detail::SecretBuffer b(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  EXPECT_EQ(b.view(), "secret-bytes");
  b.truncate(6);
  EXPECT_EQ(b.view(), "secret");
  sfq::detail::SecretBuffer c;
  c = std::move(b);
  EXPECT_EQ(c.view(), "secret");
}

TEST(auth_base64, RoundTripsAndRejectsInvalidText) {
  for (const std::string& bytes :
       {std::string(""), std::string("f"), std::string("fo"), std::string("foo"),
        std::string("foob"), std::string("\0\xff", 2)}) {
    std::string decoded;
    const std::string encoded = sfq::detail::base64_encode(bytes);
    if (bytes.empty()) {
      EXPECT_EQ(encoded, "");
      continue;
    }
    ASSERT_TRUE(sfq::detail::base64_decode(encoded, decoded)) << encoded;
    EXPECT_EQ(decoded, bytes);
  }
  EXPECT_EQ(sfq::detail::base64_encode("foob"), "Zm9vYg==");  // RFC 4648 §10
  std::string out;
  EXPECT_FALSE(sfq::detail::base64_decode("Zm9v!g==", out));
  EXPECT_FALSE(sfq::detail::base64_decode("Zm=vYg==", out));
  EXPECT_FALSE(sfq::detail::base64_decode("Zm9", out));
  EXPECT_TRUE(sfq::detail::base64_decode("Zm9v\nYg==", out));
  EXPECT_EQ(out, "foob");
}

}  // namespace
