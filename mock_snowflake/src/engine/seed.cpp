// seed.cpp — the sample data: SNOWFLAKE_SAMPLE_DATA.TPCH_SF1 generated deterministically (fixed
// PRNG seed) at a tiny scale (REGION 5, NATION 25, SUPPLIER 100, PART 2000, PARTSUPP 8000,
// CUSTOMER 1500, ORDERS 15000, LINEITEM about 60000), bulk-inserted with prepared statements in
// the caller's transaction; CSV directories (--csv) and a user's SQLite file (--db).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "engine/engine_internal.hpp"
#include "engine/errors.hpp"
#include "engine/timeutil.hpp"
#include "engine/values.hpp"

namespace mock_snowflake::engine {
namespace {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    s_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = s_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::int64_t range(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  template <class T, std::size_t N>
  const T& pick(const T (&items)[N]) {
    return items[next() % N];
  }

 private:
  std::uint64_t s_;
};

constexpr const char* kWords[] = {
    "furiously",    "carefully",    "quickly", "slyly",     "blithely",   "ironic",
    "final",        "pending",      "regular", "express",   "special",    "bold",
    "even",         "silent",       "unusual", "packages",  "deposits",   "requests",
    "accounts",     "theodolites",  "pinto",   "beans",     "foxes",      "ideas",
    "instructions", "dependencies", "excuses", "platelets", "asymptotes", "courts",
    "dolphins",     "sleep",        "wake",    "haggle",    "nag",        "use",
    "boost",        "affix",        "detect",  "integrate", "cajole",     "above",
    "along",        "among",        "across",  "against",   "the"};
constexpr const char* kColors[] = {
    "almond",   "antique",   "aquamarine", "azure",      "beige",     "bisque",    "black",
    "blanched", "blue",      "blush",      "brown",      "burlywood", "burnished", "chartreuse",
    "chiffon",  "chocolate", "coral",      "cornflower", "cornsilk",  "cream",     "cyan",
    "dark",     "deep",      "dim",        "dodger",     "drab",      "firebrick", "floral",
    "forest",   "frosted",   "gainsboro",  "ghost",      "goldenrod", "green",     "grey",
    "honeydew", "hot",       "indian",     "ivory",      "khaki",     "lace",      "lavender",
    "lawn",     "lemon",     "light",      "lime",       "linen",     "magenta"};
constexpr const char* kTypes1[] = {"STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"};
constexpr const char* kTypes2[] = {"ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"};
constexpr const char* kTypes3[] = {"TIN", "NICKEL", "BRASS", "STEEL", "COPPER"};
constexpr const char* kContainers1[] = {"SM", "LG", "MED", "JUMBO", "WRAP"};
constexpr const char* kContainers2[] = {"CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM"};
constexpr const char* kSegments[] = {"AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY",
                                     "HOUSEHOLD"};
constexpr const char* kPriorities[] = {"1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED",
                                       "5-LOW"};
constexpr const char* kInstructions[] = {"DELIVER IN PERSON", "COLLECT COD", "NONE",
                                         "TAKE BACK RETURN"};
constexpr const char* kModes[] = {"REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"};
constexpr const char* kRegions[] = {"AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"};
struct NationDef {
  const char* name;
  int region;
};
constexpr NationDef kNations[] = {
    {"ALGERIA", 0},      {"ARGENTINA", 1}, {"BRAZIL", 1}, {"CANADA", 1},
    {"EGYPT", 4},        {"ETHIOPIA", 0},  {"FRANCE", 3}, {"GERMANY", 3},
    {"INDIA", 2},        {"INDONESIA", 2}, {"IRAN", 4},   {"IRAQ", 4},
    {"JAPAN", 2},        {"JORDAN", 4},    {"KENYA", 0},  {"MOROCCO", 0},
    {"MOZAMBIQUE", 0},   {"PERU", 1},      {"CHINA", 2},  {"ROMANIA", 3},
    {"SAUDI ARABIA", 4}, {"VIETNAM", 2},   {"RUSSIA", 3}, {"UNITED KINGDOM", 3},
    {"UNITED STATES", 1}};

constexpr int kSuppliers = 100;
constexpr int kParts = 2000;
constexpr int kCustomers = 1500;
constexpr int kOrders = 15000;

std::string comment(Rng& rng, std::size_t max_len) {
  std::string out;
  int words = static_cast<int>(rng.range(3, 9));
  for (int i = 0; i < words; ++i) {
    std::string w = rng.pick(kWords);
    if (out.size() + w.size() + 1 > max_len) break;
    if (!out.empty()) out.push_back(' ');
    out += w;
  }
  return out;
}

std::string address(Rng& rng) {
  static constexpr char kChars[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,";
  std::string out(static_cast<std::size_t>(rng.range(10, 40)), ' ');
  for (auto& c : out) c = kChars[rng.next() % (sizeof kChars - 1)];
  return out;
}

std::string phone(Rng& rng, std::int64_t nation) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%02lld-%03lld-%03lld-%04lld", static_cast<long long>(nation + 10),
                static_cast<long long>(rng.range(100, 999)),
                static_cast<long long>(rng.range(100, 999)),
                static_cast<long long>(rng.range(1000, 9999)));
  return buf;
}

std::string numbered(const char* prefix, std::int64_t n) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s#%09lld", prefix, static_cast<long long>(n));
  return buf;
}

double money(std::int64_t cents) { return static_cast<double>(cents) / 100.0; }

// A table the seed fills: catalog entry + SQLite table + prepared INSERT.
class Table {
 public:
  Table(sqlite3* db, Catalog& catalog, const std::string& database, const std::string& schema,
        const std::string& name, std::vector<std::pair<std::string, std::string>> columns,
        std::int64_t created_ns, const std::string& comment = "")
      : db_(db) {
    ObjectMeta m;
    m.database = database;
    m.schema = schema;
    m.name = name;
    m.kind = "TABLE";
    m.sqlite_name = catalog.new_sqlite_name(database, schema, name);
    m.owner = "ACCOUNTADMIN";
    m.created_ns = created_ns;
    m.comment = comment;
    std::string cols;
    std::string marks;
    for (const auto& [col, type] : columns) {
      ColumnMeta c;
      c.name = col;
      std::string t = type;
      bool not_null = false;
      if (auto pos = t.find(" NOT NULL"); pos != std::string::npos) {
        not_null = true;
        t = t.substr(0, pos);
      }
      c.type = parse_type_name(t).value_or(SfType::text());
      c.type.nullable = !not_null;
      m.columns.push_back(c);
      if (!cols.empty()) cols += ", ";
      cols += quote_ident(col);
      if (not_null) cols += " NOT NULL";
      marks += marks.empty() ? "?" : ", ?";
    }
    exec_sql(db, "CREATE TABLE main." + quote_ident(m.sqlite_name) + " (" + cols + ")");
    catalog.add_object(m);
    std::string sql = "INSERT INTO main." + quote_ident(m.sqlite_name) + " VALUES (" + marks + ")";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("mock_snowflake: seed: ") + sqlite3_errmsg(db));
    }
  }
  ~Table() { sqlite3_finalize(stmt_); }
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  Table& i(std::int64_t v) {
    sqlite3_bind_int64(stmt_, ++col_, v);
    return *this;
  }
  Table& d(double v) {
    sqlite3_bind_double(stmt_, ++col_, v);
    return *this;
  }
  Table& v(const Val& value) {
    val_bind(stmt_, ++col_, value);
    return *this;
  }
  Table& s(const std::string& v) {
    sqlite3_bind_text(stmt_, ++col_, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  void insert() {
    if (sqlite3_step(stmt_) != SQLITE_DONE) {
      throw std::runtime_error(std::string("mock_snowflake: seed: ") + sqlite3_errmsg(db_));
    }
    sqlite3_reset(stmt_);
    col_ = 0;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int col_ = 0;
};

// Fills SNOWFLAKE_SAMPLE_DATA.TPCH_SF1 table by table, drawing from one generator in a fixed
// order so that the data is the same at every start.
class TpchSeeder {
 public:
  TpchSeeder(sqlite3* db, Catalog& catalog, std::int64_t created_ns)
      : db(db), catalog(catalog), created_ns(created_ns) {}

  void region_and_nation() {
    Table region(
        db, catalog, d, s, "REGION",
        {{"R_REGIONKEY", id}, {"R_NAME", "VARCHAR(25) NOT NULL"}, {"R_COMMENT", "VARCHAR(152)"}},
        created_ns);
    for (int r = 0; r < 5; ++r) region.i(r).s(kRegions[r]).s(comment(rng, 152)).insert();

    Table nation(db, catalog, d, s, "NATION",
                 {{"N_NATIONKEY", id},
                  {"N_NAME", "VARCHAR(25) NOT NULL"},
                  {"N_REGIONKEY", id},
                  {"N_COMMENT", "VARCHAR(152)"}},
                 created_ns);
    for (int n = 0; n < 25; ++n)
      nation.i(n).s(kNations[n].name).i(kNations[n].region).s(comment(rng, 152)).insert();
  }

  void supplier() {
    Table table(db, catalog, d, s, "SUPPLIER",
                {{"S_SUPPKEY", id},
                 {"S_NAME", "VARCHAR(25) NOT NULL"},
                 {"S_ADDRESS", "VARCHAR(40) NOT NULL"},
                 {"S_NATIONKEY", id},
                 {"S_PHONE", "VARCHAR(15) NOT NULL"},
                 {"S_ACCTBAL", money_type},
                 {"S_COMMENT", "VARCHAR(101)"}},
                created_ns);
    for (int k = 1; k <= kSuppliers; ++k) {
      std::int64_t n = rng.range(0, 24);
      table.i(k).s(numbered("Supplier", k)).s(address(rng)).i(n).s(phone(rng, n));
      table.d(money(rng.range(-99999, 999999))).s(comment(rng, 101)).insert();
    }
  }

  void part_and_partsupp() {
    Table part(db, catalog, d, s, "PART",
               {{"P_PARTKEY", id},
                {"P_NAME", "VARCHAR(55) NOT NULL"},
                {"P_MFGR", "VARCHAR(25) NOT NULL"},
                {"P_BRAND", "VARCHAR(10) NOT NULL"},
                {"P_TYPE", "VARCHAR(25) NOT NULL"},
                {"P_SIZE", id},
                {"P_CONTAINER", "VARCHAR(10) NOT NULL"},
                {"P_RETAILPRICE", money_type},
                {"P_COMMENT", "VARCHAR(23)"}},
               created_ns);
    retail_cents.assign(kParts + 1, 0);
    for (int k = 1; k <= kParts; ++k) {
      std::string name;
      for (int w = 0; w < 5; ++w) name += (w ? " " : "") + std::string(rng.pick(kColors));
      std::int64_t m = rng.range(1, 5);
      std::string type =
          std::string(rng.pick(kTypes1)) + " " + rng.pick(kTypes2) + " " + rng.pick(kTypes3);
      std::string container = std::string(rng.pick(kContainers1)) + " " + rng.pick(kContainers2);
      retail_cents[static_cast<std::size_t>(k)] = 90000 + ((k / 10) % 20001) + 100 * (k % 1000);
      part.i(k)
          .s(name)
          .s("Manufacturer#" + std::to_string(m))
          .s("Brand#" + std::to_string(m) + std::to_string(rng.range(1, 5)));
      part.s(type)
          .i(rng.range(1, 50))
          .s(container)
          .d(money(retail_cents[static_cast<std::size_t>(k)]))
          .s(comment(rng, 23))
          .insert();
    }

    Table partsupp(db, catalog, d, s, "PARTSUPP",
                   {{"PS_PARTKEY", id},
                    {"PS_SUPPKEY", id},
                    {"PS_AVAILQTY", id},
                    {"PS_SUPPLYCOST", money_type},
                    {"PS_COMMENT", "VARCHAR(199)"}},
                   created_ns);
    for (int k = 1; k <= kParts; ++k) {
      for (int i = 0; i < 4; ++i) {
        partsupp.i(k)
            .i(supp_of(k, i))
            .i(rng.range(1, 9999))
            .d(money(rng.range(100, 100000)))
            .s(comment(rng, 199))
            .insert();
      }
    }
  }

  void customer() {
    Table table(db, catalog, d, s, "CUSTOMER",
                {{"C_CUSTKEY", id},
                 {"C_NAME", "VARCHAR(25) NOT NULL"},
                 {"C_ADDRESS", "VARCHAR(40) NOT NULL"},
                 {"C_NATIONKEY", id},
                 {"C_PHONE", "VARCHAR(15) NOT NULL"},
                 {"C_ACCTBAL", money_type},
                 {"C_MKTSEGMENT", "VARCHAR(10)"},
                 {"C_COMMENT", "VARCHAR(117)"}},
                created_ns);
    for (int k = 1; k <= kCustomers; ++k) {
      std::int64_t n = rng.range(0, 24);
      table.i(k).s(numbered("Customer", k)).s(address(rng)).i(n).s(phone(rng, n));
      table.d(money(rng.range(-99999, 999999)))
          .s(rng.pick(kSegments))
          .s(comment(rng, 117))
          .insert();
    }
  }

  void orders_and_lineitem() {
    Table orders(db, catalog, d, s, "ORDERS",
                 {{"O_ORDERKEY", id},
                  {"O_CUSTKEY", id},
                  {"O_ORDERSTATUS", "VARCHAR(1) NOT NULL"},
                  {"O_TOTALPRICE", money_type},
                  {"O_ORDERDATE", "DATE NOT NULL"},
                  {"O_ORDERPRIORITY", "VARCHAR(15) NOT NULL"},
                  {"O_CLERK", "VARCHAR(15) NOT NULL"},
                  {"O_SHIPPRIORITY", id},
                  {"O_COMMENT", "VARCHAR(79) NOT NULL"}},
                 created_ns);
    Table lineitem(db, catalog, d, s, "LINEITEM",
                   {{"L_ORDERKEY", id},
                    {"L_PARTKEY", id},
                    {"L_SUPPKEY", id},
                    {"L_LINENUMBER", id},
                    {"L_QUANTITY", money_type},
                    {"L_EXTENDEDPRICE", money_type},
                    {"L_DISCOUNT", money_type},
                    {"L_TAX", money_type},
                    {"L_RETURNFLAG", "VARCHAR(1) NOT NULL"},
                    {"L_LINESTATUS", "VARCHAR(1) NOT NULL"},
                    {"L_SHIPDATE", "DATE NOT NULL"},
                    {"L_COMMITDATE", "DATE NOT NULL"},
                    {"L_RECEIPTDATE", "DATE NOT NULL"},
                    {"L_SHIPINSTRUCT", "VARCHAR(25) NOT NULL"},
                    {"L_SHIPMODE", "VARCHAR(10) NOT NULL"},
                    {"L_COMMENT", "VARCHAR(44) NOT NULL"}},
                   created_ns);
    const std::int64_t start = days_from_civil(1992, 1, 1);
    const std::int64_t end = days_from_civil(1998, 8, 2) - 151;
    const std::int64_t current = days_from_civil(1995, 6, 17);
    for (int o = 0; o < kOrders; ++o) {
      std::int64_t key = (o / 8) * 32 + (o % 8) + 1;
      std::int64_t cust = 0;
      do {
        cust = rng.range(1, kCustomers);
      } while (cust % 3 == 0);
      std::int64_t date = rng.range(start, end);
      int lines = static_cast<int>(rng.range(1, 7));
      std::int64_t total_cents = 0;
      int shipped = 0;
      for (int l = 1; l <= lines; ++l) {
        std::int64_t partkey = rng.range(1, kParts);
        std::int64_t suppkey = supp_of(partkey, static_cast<int>(rng.range(0, 3)));
        std::int64_t qty = rng.range(1, 50);
        std::int64_t price_cents = qty * retail_cents[static_cast<std::size_t>(partkey)];
        std::int64_t discount = rng.range(0, 10);
        std::int64_t tax = rng.range(0, 8);
        std::int64_t ship = date + rng.range(1, 121);
        std::int64_t commit = date + rng.range(30, 90);
        std::int64_t receipt = ship + rng.range(1, 30);
        std::string flag = receipt <= current ? (rng.range(0, 1) ? "R" : "A") : "N";
        std::string status = ship > current ? "O" : "F";
        shipped += status == "F" ? 1 : 0;
        total_cents += price_cents * (100 + tax) / 100 * (100 - discount) / 100;
        lineitem.i(key)
            .i(partkey)
            .i(suppkey)
            .i(l)
            .d(static_cast<double>(qty))
            .d(money(price_cents));
        lineitem.d(money(discount)).d(money(tax)).s(flag).s(status).i(ship).i(commit).i(receipt);
        lineitem.s(rng.pick(kInstructions)).s(rng.pick(kModes)).s(comment(rng, 44)).insert();
      }
      std::string status = shipped == lines ? "F" : shipped == 0 ? "O" : "P";
      orders.i(key).i(cust).s(status).d(money(total_cents)).i(date).s(rng.pick(kPriorities));
      orders.s(numbered("Clerk", rng.range(1, 10))).i(0).s(comment(rng, 79)).insert();
    }
  }

 private:
  // The suppliers of a part (PARTSUPP's rule, which LINEITEM follows).
  static std::int64_t supp_of(std::int64_t partkey, int i) {
    return (partkey + i * (kSuppliers / 4 + (partkey - 1) / kSuppliers)) % kSuppliers + 1;
  }

  sqlite3* db;
  Catalog& catalog;
  std::int64_t created_ns;
  const std::string d = "SNOWFLAKE_SAMPLE_DATA";
  const std::string s = "TPCH_SF1";
  const char* id = "NUMBER(38,0) NOT NULL";
  const char* money_type = "NUMBER(12,2) NOT NULL";
  Rng rng{19920101};
  std::vector<std::int64_t> retail_cents;
};

}  // namespace

void seed_tpch(sqlite3* db, Catalog& catalog, std::int64_t created_ns) {
  TpchSeeder seeder(db, catalog, created_ns);
  seeder.region_and_nation();
  seeder.supplier();
  seeder.part_and_partsupp();
  seeder.customer();
  seeder.orders_and_lineitem();
}

// ---- CSV --------------------------------------------------------------------------------------

namespace {

std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("mock_snowflake: cannot read CSV file " + path.string());
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  bool any = false;
  for (std::size_t i = 0; i < data.size(); ++i) {
    char c = data[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < data.size() && data[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field.push_back(c);
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        row.push_back(field);
        rows.push_back(row);
      }
      row.clear();
      field.clear();
      any = false;
    } else {
      field.push_back(c);
      any = true;
    }
  }
  if (any || !field.empty()) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

std::string infer_csv_type(const std::vector<std::vector<std::string>>& rows, std::size_t col) {
  bool integer = true;
  bool number = true;
  bool date = true;
  bool timestamp = true;
  bool boolean = true;
  bool any = false;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    if (col >= rows[r].size() || rows[r][col].empty()) continue;
    any = true;
    const std::string& v = rows[r][col];
    auto n = parse_number_text(v, false);
    if (!n || n->t != Val::T::integer) integer = false;
    if (!n) number = false;
    auto p = parse_datetime_auto(v);
    if (!p || !p->has_date || p->has_time) date = false;
    if (!p || !p->has_date || !p->has_time) timestamp = false;
    std::string l = v;
    for (char& c : l) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (l != "true" && l != "false") boolean = false;
  }
  if (!any) return "VARCHAR";
  if (integer) return "NUMBER(38,0)";
  if (number) return "FLOAT";
  if (date) return "DATE";
  if (timestamp) return "TIMESTAMP_NTZ(9)";
  if (boolean) return "BOOLEAN";
  return "VARCHAR";
}

}  // namespace

void load_csv_dir(sqlite3* db, Catalog& catalog, const std::string& dir, std::int64_t created_ns) {
  if (!catalog.database("CSV")) {
    catalog.add_database(
        {"CSV", created_ns, "Tables loaded from CSV files", "ACCOUNTADMIN", false});
    catalog.add_schema({"CSV", "PUBLIC", created_ns, "", "ACCOUNTADMIN", false});
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".csv")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ValueContext vc;
  for (const auto& file : files) {
    auto rows = read_csv(file);
    if (rows.empty()) continue;
    std::vector<std::pair<std::string, std::string>> columns;
    for (std::size_t c = 0; c < rows[0].size(); ++c) {
      std::string name = identifier_from_text(rows[0][c]);
      columns.emplace_back(name, infer_csv_type(rows, c));
    }
    std::string table_name = identifier_from_text(file.stem().string());
    Table table(db, catalog, "CSV", "PUBLIC", table_name, columns, created_ns,
                "Loaded from " + file.filename().string());
    std::vector<SfType> types;
    for (const auto& col : columns)
      types.push_back(parse_type_name(col.second).value_or(SfType::text()));
    for (std::size_t r = 1; r < rows.size(); ++r) {
      for (std::size_t c = 0; c < columns.size(); ++c) {
        std::string v = c < rows[r].size() ? rows[r][c] : "";
        table.v(v.empty() ? Val::null() : cast_value(Val::text(v), SfType::text(), types[c], vc));
      }
      table.insert();
    }
  }
}

// ---- --db file ----------------------------------------------------------------------------------

namespace {

// Maps a declared SQLite column type to a Snowflake type.
SfType type_from_sqlite(const std::string& declared) {
  std::string t = declared;
  for (char& c : t) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (auto exact = parse_type_name(t)) {
    if (t.find("INT") != std::string::npos) return SfType::fixed(38, 0);
    return *exact;
  }
  if (t.find("INT") != std::string::npos) return SfType::fixed(38, 0);
  if (t.find("BOOL") != std::string::npos) return SfType::of(TypeKind::boolean);
  if (t.find("DATETIME") != std::string::npos || t.find("TIMESTAMP") != std::string::npos) {
    return SfType::temporal(TypeKind::timestamp_ntz);
  }
  if (t.find("DATE") != std::string::npos) return SfType::of(TypeKind::date);
  if (t.find("TIME") != std::string::npos) return SfType::temporal(TypeKind::time);
  if (t.find("CHAR") != std::string::npos || t.find("CLOB") != std::string::npos ||
      t.find("TEXT") != std::string::npos) {
    return SfType::text();
  }
  if (t.find("BLOB") != std::string::npos) return SfType::binary();
  if (t.find("REAL") != std::string::npos || t.find("FLOA") != std::string::npos ||
      t.find("DOUB") != std::string::npos) {
    return SfType::real();
  }
  if (t.find("JSON") != std::string::npos) return SfType::of(TypeKind::variant);
  if (t.find("DEC") != std::string::npos || t.find("NUM") != std::string::npos)
    return SfType::fixed(38, 6);
  return SfType::text();
}

}  // namespace

std::string register_user_db(sqlite3* db, Catalog& catalog, const std::string& path,
                             std::int64_t created_ns) {
  std::string name = identifier_from_text(std::filesystem::path(path).stem().string());
  if (!catalog.database(name)) {
    catalog.add_database({name, created_ns, "SQLite file " + path, "ACCOUNTADMIN", false});
    catalog.add_schema({name, "PUBLIC", created_ns, "", "ACCOUNTADMIN", false});
  }
  std::vector<std::string> tables;
  {
    sqlite3_stmt* stmt = nullptr;
    std::string sql =
        std::string("SELECT name FROM ") + kUserDbAlias +
        ".sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("mock_snowflake: --db: ") + sqlite3_errmsg(db));
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
    }
    sqlite3_finalize(stmt);
  }
  for (const auto& table : tables) {
    ObjectMeta m;
    m.database = name;
    m.schema = "PUBLIC";
    m.name = identifier_from_text(table);
    if (catalog.object(m.database, m.schema, m.name)) continue;
    m.kind = "TABLE";
    m.sqlite_schema = kUserDbAlias;
    m.sqlite_name = table;
    m.foreign = true;
    m.owner = "ACCOUNTADMIN";
    m.created_ns = created_ns;
    sqlite3_stmt* stmt = nullptr;
    std::string sql =
        std::string("PRAGMA ") + kUserDbAlias + ".table_info(" + quote_ident(table) + ")";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("mock_snowflake: --db: ") + sqlite3_errmsg(db));
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      ColumnMeta c;
      c.name = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1));
      // Unquoted Snowflake names are upper case; SQLite matches column names case-insensitively.
      std::string upper = c.name;
      for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      c.name = upper;
      const char* declared = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 2));
      c.type = type_from_sqlite(declared ? declared : "");
      c.type.nullable = sqlite3_column_int(stmt, 3) == 0;
      c.primary_key = sqlite3_column_int(stmt, 5) != 0;
      m.columns.push_back(c);
    }
    sqlite3_finalize(stmt);
    catalog.add_object(m);
  }
  return name;
}

}  // namespace mock_snowflake::engine
