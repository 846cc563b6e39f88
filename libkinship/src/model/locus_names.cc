// Canonical STR locus names and their aliases.
#include <cctype>
#include <string>
#include <unordered_map>

#include "kinship/locus.h"

namespace kinship {

namespace {

// Upper case with spaces, '_', '-' and '.' removed: the matching key.
std::string Key(const std::string& name) {
  std::string k;
  for (char c : name) {
    if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '\t') continue;
    k += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return k;
}

const std::unordered_map<std::string, std::string>& AliasTable() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<std::string, std::string>;
    // Canonical forms: the common spelling of STRBase / the NIST 1036 tables.
    const char* canonical[] = {
        "CSF1PO",  "D1S1656", "D2S441",  "D2S1338", "D3S1358", "D5S818",  "D6S1043",
        "D7S820",  "D8S1179", "D10S1248", "D12S391", "D13S317", "D16S539", "D18S51",
        "D19S433", "D21S11",  "D22S1045", "FGA",     "Penta B", "Penta C", "Penta D",
        "Penta E", "SE33",    "TH01",    "TPOX",    "vWA",     "F13A01",  "F13B",
        "FESFPS",  "LPL",     "D22GATA198B05", "D6S474", "D4S2408", "D9S1122",
        "D17S1301", "D20S482", "D14S1434", "D10S1435", "D3S4529", "D2S1776",
        "D1S1677", "D11S4463", "D12ATA63", "D6S1017", "D4S2364"};
    for (const char* c : canonical) (*t)[Key(c)] = c;
    // Aliases that differ by more than case and punctuation.
    const char* aliases[][2] = {
        {"THO1", "TH01"},    {"TH1", "TH01"},      {"HUMTH01", "TH01"},
        {"VWA31", "vWA"},    {"HUMVWA", "vWA"},    {"HUMVWA31A", "vWA"},
        {"FIBRA", "FGA"},    {"HUMFIBRA", "FGA"},  {"FIBRAFGA", "FGA"},
        {"HUMCSF1PO", "CSF1PO"}, {"HUMTPOX", "TPOX"}, {"ACTBP2", "SE33"},
        {"F13A1", "F13A01"}, {"HUMF13A01", "F13A01"}, {"FES", "FESFPS"},
        {"FESFPSX", "FESFPS"}, {"HUMFESFPS", "FESFPS"}, {"PE", "Penta E"},
        {"PD", "Penta D"},   {"PENTAE", "Penta E"}, {"PENTAD", "Penta D"},
        {"PENTAC", "Penta C"}, {"PENTAB", "Penta B"}, {"D2S1338", "D2S1338"},
    };
    for (auto& a : aliases) (*t)[Key(a[0])] = a[1];
    return t;
  }();
  return *table;
}

}  // namespace

std::string CanonicalLocusName(const std::string& name) {
  std::string k = Key(name);
  const auto& table = AliasTable();
  auto it = table.find(k);
  return it == table.end() ? k : it->second;
}

bool IsAmelogenin(const std::string& name) {
  const std::string k = Key(name);
  return k == "AMEL" || k == "AMELOGENIN" || k == "AM";
}

bool IsSexOrYMarker(const std::string& name) {
  std::string k = Key(name);
  return k == "AMEL" || k == "AMELOGENIN" || k == "AM" || k.rfind("DYS", 0) == 0 ||
         k == "YINDEL" || k == "YGATAH4" || k == "DYF387S1";
}

}  // namespace kinship
