// kinship simulate: synthetic families, missing persons and victims for demos, tests and
// benchmarks, as the files `kinship match` reads, with a truth file.
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "cli_common.h"
#include "kinship/io.h"
#include "kinship/locus.h"

namespace po = boost::program_options;

namespace kinship::cli {

namespace {

const char kCmd[] = "simulate";
constexpr int kMaxSimulated = 100000000;

// A family shape: members (id, father, mother, sex, typed) in parent-before-child order;
// the member "MP" is the missing person.
struct Member {
  const char* id;
  const char* father;
  const char* mother;
  int sex;
  bool typed;
};
struct Shape {
  const char* name;
  std::vector<Member> members;
};

const std::vector<Shape>& Shapes() {
  static const std::vector<Shape> shapes = {
      {"parents", {{"FA", nullptr, nullptr, 1, true}, {"MO", nullptr, nullptr, 2, true}, {"MP", "FA", "MO", 1, false}}},
      {"mother-sister",
       {{"FA", nullptr, nullptr, 1, false},
        {"MO", nullptr, nullptr, 2, true},
        {"S1", "FA", "MO", 2, true},
        {"MP", "FA", "MO", 1, false}}},
      {"wife-children",
       {{"MP", nullptr, nullptr, 1, false},
        {"W", nullptr, nullptr, 2, true},
        {"C1", "MP", "W", 1, true},
        {"C2", "MP", "W", 2, true}}},
      {"grandparents-aunt",
       {{"GF", nullptr, nullptr, 1, true},
        {"GM", nullptr, nullptr, 2, true},
        {"FA", "GF", "GM", 1, false},
        {"AU", "GF", "GM", 2, true},
        {"MO", nullptr, nullptr, 2, false},
        {"MP", "FA", "MO", 1, false}}},
      {"siblings",
       {{"FA", nullptr, nullptr, 1, false},
        {"MO", nullptr, nullptr, 2, false},
        {"S1", "FA", "MO", 2, true},
        {"S2", "FA", "MO", 1, true},
        {"MP", "FA", "MO", 1, false}}},
      {"father", {{"FA", nullptr, nullptr, 1, true}, {"MO", nullptr, nullptr, 2, false}, {"MP", "FA", "MO", 1, false}}},
  };
  return shapes;
}

// Portable draws (the same numbers on every platform for a seed): std::mt19937_64 is
// specified exactly; the distributions here are our own.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : gen_(seed) {}
  double Uniform() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }
  bool Coin() { return (gen_() >> 63) != 0; }
  std::uint64_t Below(std::uint64_t n) { return gen_() % n; }

 private:
  std::mt19937_64 gen_;
};

int DrawAllele(const std::vector<double>& cumulative, Rng& rng) {
  const double u = rng.Uniform() * cumulative.back();
  int a = 0;
  while (a + 1 < static_cast<int>(cumulative.size()) && cumulative[a] <= u) ++a;
  return a;
}

}  // namespace

int RunSimulate(int argc, char** argv) {
  std::string freqs_path, out_dir, shapes_arg;
  int families = 0, unrelated = 0;
  std::uint64_t seed = 1;
  double dropout = 0;
  po::options_description desc(
      "Usage: kinship simulate --freqs FREQS --families N --seed S --out-dir DIR [options]\n\n"
      "Synthetic families with typed references, their missing persons as victims (and\n"
      "optionally unrelated victims), written as the files kinship match reads:\n"
      "  DIR/pedigrees.csv   family,id,father,mother,sex,sample_id,missing\n"
      "  DIR/references.csv  the families' reference profiles (sample_id,locus,allele1,allele2)\n"
      "  DIR/victims.csv     victim profiles, in random order\n"
      "  DIR/truth.csv       victim_id,family,missing_id,shape (empty family: unrelated)\n"
      "Genotypes are drawn from FREQS (Hardy-Weinberg) and passed down by Mendel's laws,\n"
      "without mutation. The same seed and inputs give the same files.\n\nOptions");
  desc.add_options()
      ("help,h", "this text")
      ("freqs", po::value(&freqs_path)->required(), "allele frequency table")
      ("families", po::value(&families)->required(), "number of families (one missing person each)")
      ("seed", po::value(&seed)->default_value(1), "random seed")
      ("shapes", po::value(&shapes_arg)->default_value("parents,mother-sister,wife-children,grandparents-aunt,siblings,father"),
       "comma-separated family shapes, used in turn")
      ("victims-unrelated", po::value(&unrelated)->default_value(0), "number of unrelated victims added")
      ("dropout", po::value(&dropout)->default_value(0), "probability that a victim's locus is untyped (partial profiles)")
      ("out-dir", po::value(&out_dir)->required(), "output folder (created if missing)");
  po::variables_map vm;
  if (auto code = ParseCommandLine(kCmd, argc, argv, desc, &vm, [&](const po::variables_map&) {
      if (families < 0 || unrelated < 0) throw po::error("--families and --victims-unrelated must be >= 0");
      // Their sum is an int: bounded so that it cannot overflow (and a typo does not run for days).
      if (families > kMaxSimulated || unrelated > kMaxSimulated)
        throw po::error(absl::StrCat("--families and --victims-unrelated must be at most ", kMaxSimulated));
      if (families + unrelated == 0) throw po::error("nothing to simulate: give --families or --victims-unrelated");
      if (!(dropout >= 0 && dropout < 1)) throw po::error("--dropout must be in [0, 1)");
      }))
    return *code;
  Diagnostics diag;
  SetStage(absl::StrCat("reading the frequency table ", freqs_path));
  auto table = ReadAlleleFreqs(freqs_path, &diag);
  if (!table.ok()) return ReportError(kCmd, table.status());
  std::vector<const Shape*> shapes;
  for (absl::string_view name : absl::StrSplit(shapes_arg, ',')) {
    const Shape* found = nullptr;
    for (const Shape& s : Shapes())
      if (name == s.name) found = &s;
    if (!found) {
      std::string known;
      for (const Shape& s : Shapes()) absl::StrAppend(&known, known.empty() ? "" : ", ", s.name);
      std::cerr << "kinship simulate: unknown shape '" << name << "'; expected one of " << known << "\n";
      return kExitUsage;
    }
    shapes.push_back(found);
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec)
    return ReportError(kCmd, absl::NotFoundError(absl::StrCat(out_dir, ": cannot create folder (", ec.message(), ")")));

  const int nl = table->locus_ct();
  std::vector<std::vector<double>> cumulative(nl);
  for (int l = 0; l < nl; ++l) {
    double s = 0;
    for (double f : table->locus(l).freqs()) cumulative[l].push_back(s += f);
  }
  SetStage(absl::StrCat("simulating ", families, " families and ", unrelated, " unrelated victims"));
  Rng rng(seed);
  AtomicOutput peds, refs, victims, truth;
  for (auto [out, name] : {std::pair{&peds, "pedigrees.csv"}, std::pair{&refs, "references.csv"},
                           std::pair{&victims, "victims.csv"}, std::pair{&truth, "truth.csv"}}) {
    auto st = out->Open((std::filesystem::path(out_dir) / name).string());
    if (!st.ok()) return ReportError(kCmd, st);
  }
  std::fputs("family,id,father,mother,sex,sample_id,missing\n", peds.file());
  std::fputs("sample_id,locus,allele1,allele2\n", refs.file());
  std::fputs("sample_id,locus,allele1,allele2\n", victims.file());
  std::fputs("victim_id,family,missing_id,shape\n", truth.file());

  // Victims: (genotypes per locus, truth) in creation order, shuffled before writing.
  struct Victim {
    std::vector<std::pair<int, int>> alleles;
    std::string family, shape;
  };
  std::vector<Victim> all;
  auto write_profile = [&](std::FILE* f, const std::string& id, const std::vector<std::pair<int, int>>& al,
                           bool drop) {
    std::vector<char> keep(nl, 1);
    if (drop) {
      int kept = 0;
      for (int l = 0; l < nl; ++l) kept += keep[l] = !(rng.Uniform() < dropout);
      if (kept == 0) keep[rng.Below(nl)] = 1;  // a victim keeps at least one locus
    }
    for (int l = 0; l < nl; ++l) {
      if (!keep[l]) continue;
      int a = std::min(al[l].first, al[l].second), b = std::max(al[l].first, al[l].second);
      std::fprintf(f, "%s,%s,%s,%s\n", id.c_str(), table->locus(l).name().c_str(), table->locus(l).label(a).c_str(),
                   table->locus(l).label(b).c_str());
    }
  };
  for (int fam = 0; fam < families; ++fam) {
    const Shape& shape = *shapes[fam % shapes.size()];
    const std::string fid = absl::StrFormat("F%06d", fam + 1);
    std::vector<std::vector<std::pair<int, int>>> al(shape.members.size(), std::vector<std::pair<int, int>>(nl));
    auto index = [&](const char* id) {
      for (size_t i = 0; i < shape.members.size(); ++i)
        if (std::string(shape.members[i].id) == id) return static_cast<int>(i);
      return -1;
    };
    for (size_t i = 0; i < shape.members.size(); ++i) {
      const Member& m = shape.members[i];
      const int fa = m.father ? index(m.father) : -1, mo = m.mother ? index(m.mother) : -1;
      for (int l = 0; l < nl; ++l) {
        if (fa < 0) {
          al[i][l] = {DrawAllele(cumulative[l], rng), DrawAllele(cumulative[l], rng)};
        } else {
          const auto& pf = al[fa][l];
          const auto& pm = al[mo][l];
          al[i][l] = {rng.Coin() ? pf.first : pf.second, rng.Coin() ? pm.first : pm.second};
        }
      }
      const std::string sample = m.typed ? absl::StrCat(fid, "_", m.id) : "";
      std::fprintf(peds.file(), "%s,%s,%s,%s,%d,%s,%d\n", fid.c_str(), m.id, m.father ? m.father : "0",
                   m.mother ? m.mother : "0", m.sex, sample.c_str(), std::string(m.id) == "MP" ? 1 : 0);
      if (m.typed) write_profile(refs.file(), sample, al[i], false);
    }
    all.push_back({al[index("MP")], fid, shape.name});
  }
  for (int u = 0; u < unrelated; ++u) {
    std::vector<std::pair<int, int>> al(nl);
    for (int l = 0; l < nl; ++l) al[l] = {DrawAllele(cumulative[l], rng), DrawAllele(cumulative[l], rng)};
    all.push_back({al, "", ""});
  }
  // Fisher-Yates with our own draws.
  for (size_t i = all.size(); i > 1; --i) std::swap(all[i - 1], all[rng.Below(i)]);
  for (size_t i = 0; i < all.size(); ++i) {
    const std::string vid = absl::StrFormat("V%07d", i + 1);
    write_profile(victims.file(), vid, all[i].alleles, true);
    std::fprintf(truth.file(), "%s,%s,%s,%s\n", vid.c_str(), all[i].family.c_str(), all[i].family.empty() ? "" : "MP",
                 all[i].shape.c_str());
  }
  if (auto st = CommitOutputs({&peds, &refs, &victims, &truth}); !st.ok())  // all or none
    return ReportError(kCmd, st);
  std::cerr << "kinship simulate: " << families << " families, " << all.size() << " victims written to " << out_dir
            << "\n";
  return kExitOk;
}

}  // namespace kinship::cli
