// foreign_body_summary (src/sqlapi/client_core.hpp): what an answer that is not the SQL API's
// own — a proxy's or a load balancer's page, a server reached on the wrong scheme — says of
// itself, in the one line an error message can carry.
#include <gtest/gtest.h>

#include <string>

#include "sqlapi/client_core.hpp"

namespace sfq::detail {
namespace {

HttpResponse answer(std::string_view content_type) {
  HttpResponse response;
  response.status = 400;
  if (!content_type.empty()) response.headers.add("Content-Type", content_type);
  return response;
}

TEST(sqlapi_foreign_body, PlainTextGivesItsFirstLine) {
  EXPECT_EQ(foreign_body_summary(answer("text/plain; charset=utf-8"),
                                 "\n  This port serves HTTPS: use https://.  \nsecond line\n"),
            "This port serves HTTPS: use https://.");
}

TEST(sqlapi_foreign_body, HtmlGivesItsTitle) {
  EXPECT_EQ(foreign_body_summary(answer("TEXT/HTML"),
                                 "<html><HEAD><Title>400 The plain HTTP request was\n  sent to "
                                 "HTTPS port</TITLE></head><body>...</body></html>"),
            "400 The plain HTTP request was sent to HTTPS port");
  EXPECT_EQ(foreign_body_summary(answer("text/html"), "<html><body>no title</body></html>"), "");
  EXPECT_EQ(foreign_body_summary(answer("text/html"), "<title>never closed"), "");
}

TEST(sqlapi_foreign_body, OtherTypesSayNothing) {
  EXPECT_EQ(foreign_body_summary(answer("application/json"), R"({"message":"x"})"), "");
  EXPECT_EQ(foreign_body_summary(answer(""), "text without a type"), "");
  EXPECT_EQ(foreign_body_summary(answer("text/plain"), "   \n\n"), "");
}

TEST(sqlapi_foreign_body, OnlyPrintableAsciiAndAtMost200Characters) {
  EXPECT_EQ(foreign_body_summary(answer("text/plain"),
                                 "a\tb\x01\x7f"
                                 "c\xc3\xa9"
                                 "d\x1b[31m"),
            "a b c d [31m");
  const std::string long_line(300, 'x');
  EXPECT_EQ(foreign_body_summary(answer("text/plain"), long_line), std::string(200, 'x') + "...");
  // Cut after a space: no space before the ellipsis.
  EXPECT_EQ(foreign_body_summary(answer("text/plain"), std::string(199, 'y') + " " + long_line),
            std::string(199, 'y') + "...");
}

TEST(sqlapi_foreign_body, APageThatEchoesTheRequestShowsNoToken) {
  const std::string jwt =
      "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJBQ0NULlVTRVIuU0hBMjU2OmFiYyJ9."
      "c2lnbmF0dXJlLXRoYXQtaXMtbG9uZy1lbm91Z2gtdG8tbWF0dGVy";
  const std::string said = foreign_body_summary(
      answer("text/plain"), "you sent Authorization: Bearer " + jwt + " " + std::string(300, 'x'));
  EXPECT_EQ(said.find("eyJ"), std::string::npos) << said;
  EXPECT_NE(said.find("you sent Authorization"), std::string::npos) << said;
}

}  // namespace
}  // namespace sfq::detail
