#include "publisher/project_archive.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "common/problem.h"
#include "common/strings.h"
#include "domain/api_json.h"
#include "domain/document.h"
#include "domain/image.h"
#include "openapi/openapi.h"
#include "publisher/api_validation.h"

namespace archway::publisher {

namespace json = boost::json;
using common::Problem;
using common::ProblemError;

namespace {

[[noreturn]] void bad(std::string description) { throw ProblemError(Problem::bad_request(std::move(description))); }

// Runs `fn`; a 400 it throws is re-thrown with the archive entry it concerns in front.
template <class F>
auto in_entry(std::string_view entry, F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const ProblemError& e) {
    if (e.problem().status != 400) throw;
    bad(fmt::format("'{}': {}", entry, e.problem().description));
  }
}

// A path segment made from a name (API or document name): no slash, backslash or control
// character, never "." or "..".
std::string segment(std::string_view name) {
  std::string out;
  for (char c : name)
    out.push_back(c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '_' : c);
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

std::string render(const json::value& v, ProjectFormat format) {
  return format == ProjectFormat::kJson ? json::serialize(v) : openapi::to_yaml(v);
}

json::object envelope(std::string_view type, json::value data) {
  return json::object{{"type", type}, {"version", ProjectArchive::kArchiveVersion}, {"data", std::move(data)}};
}

std::string_view image_extension(std::string_view media_type) {
  if (media_type == "image/png") return "png";
  if (media_type == "image/jpeg") return "jpeg";
  if (media_type == "image/gif") return "gif";
  if (media_type == "image/webp") return "webp";
  if (media_type == "image/svg+xml") return "svg";
  return "bin";
}

// The media type of a document file, judged by its name's extension.
std::string file_media_type(std::string_view file_name) {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {"pdf", "application/pdf"},   {"txt", "text/plain"},         {"md", "text/markdown"},
      {"html", "text/html"},        {"htm", "text/html"},          {"json", "application/json"},
      {"yaml", "application/yaml"}, {"yml", "application/yaml"},   {"xml", "application/xml"},
      {"csv", "text/csv"},          {"zip", "application/zip"},    {"png", "image/png"},
      {"jpg", "image/jpeg"},        {"jpeg", "image/jpeg"},        {"gif", "image/gif"},
      {"svg", "image/svg+xml"},     {"doc", "application/msword"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}};
  const std::size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  const auto it = kTypes.find(common::to_lower(std::string(file_name.substr(dot + 1))));
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// The name of the file holding a document's content inside its folder: the product's (the
// document's name for inline text, the file's own name for a file), never the metadata's name.
std::string content_entry_name(const domain::Document& d) {
  std::string name = d.source_type == "FILE" && !d.file_name.empty() ? d.file_name : segment(d.name);
  if (name == "document.yaml" || name == "document.json") name += d.source_type == "MARKDOWN" ? ".md" : ".txt";
  return name;
}

// The `data` of a {type, version, data} file of the given type.
json::value envelope_data(const archive::ZipEntry& e, std::string_view type) {
  std::vector<openapi::Issue> issues;
  std::optional<json::value> doc = openapi::parse_text(e.data, issues);
  if (!doc) bad(fmt::format("'{}': {}", e.name, issues.empty() ? "cannot be parsed" : issues.front().message));
  if (!doc->is_object()) bad(fmt::format("'{}': must be a mapping with 'type', 'version' and 'data'", e.name));
  const json::object& o = doc->get_object();
  const json::value* t = o.if_contains("type");
  if (!t || !t->is_string() || t->get_string() != type)
    bad(fmt::format("'{}': 'type' must be '{}', got {}", e.name, type, t ? json::serialize(*t) : "nothing"));
  if (const json::value* v = o.if_contains("version"); v && !v->is_string())
    bad(fmt::format("'{}': 'version' must be a string such as '{}'", e.name, ProjectArchive::kArchiveVersion));
  const json::value* data = o.if_contains("data");
  if (!data) bad(fmt::format("'{}': 'data' is required", e.name));
  return *data;
}

struct DocumentFolder {
  std::string path;
  const archive::ZipEntry* meta = nullptr;
  std::vector<const archive::ZipEntry*> files;
};

}  // namespace

// An archive's project files: the root folder holding `<stem>.yaml` (or .json) and the entries
// below it by path. The entries are shared with sub-projects (an API product's APIs/ folders).
class ProjectFiles {
 public:
  ProjectFiles(std::shared_ptr<const std::vector<archive::ZipEntry>> entries, std::string_view stem)
      : entries_(std::move(entries)) {
    std::vector<std::string> roots;
    const std::string yaml = std::string(stem) + ".yaml", json_name = std::string(stem) + ".json";
    for (const auto& e : *entries_) {
      const std::size_t slash = e.name.find('/');
      const std::string base = slash == std::string::npos ? e.name : e.name.substr(slash + 1);
      if ((base == yaml || base == json_name) && base.find('/') == std::string::npos) roots.push_back(e.name);
    }
    if (roots.empty())
      bad(fmt::format("'file': the archive has no {} (or {}), neither at its root nor in its top folder "
                      "(<Name>-<Version>/{})", yaml, json_name, yaml));
    if (roots.size() > 1)
      bad(fmt::format("'file': the archive holds more than one {} definition: '{}'", stem, fmt::join(roots, "', '")));
    const std::size_t slash = roots[0].find('/');
    root_ = slash == std::string::npos ? "" : roots[0].substr(0, slash + 1);
  }
  // The project in folder `root` ("Shop-1.0.0/APIs/Pets-1.0.0/") of the same archive.
  ProjectFiles(std::shared_ptr<const std::vector<archive::ZipEntry>> entries, std::string root, bool)
      : entries_(std::move(entries)), root_(std::move(root)) {}

  const std::string& root() const { return root_; }

  // The entry `<root><stem>.yaml` or `<root><stem>.json` (400 when both are present).
  const archive::ZipEntry* either(std::string_view stem) const {
    const archive::ZipEntry* yaml = find(root_ + std::string(stem) + ".yaml");
    const archive::ZipEntry* json_entry = find(root_ + std::string(stem) + ".json");
    if (yaml && json_entry)
      bad(fmt::format("'{}' and '{}': give one of them, not both", yaml->name, json_entry->name));
    return yaml ? yaml : json_entry;
  }

  // Entries under `<root><folder>/`, in archive order.
  std::vector<const archive::ZipEntry*> under(std::string_view folder) const {
    const std::string prefix = root_ + std::string(folder) + "/";
    std::vector<const archive::ZipEntry*> out;
    for (const auto& e : *entries_)
      if (e.name.starts_with(prefix)) out.push_back(&e);
    return out;
  }

  const std::shared_ptr<const std::vector<archive::ZipEntry>>& entries() const { return entries_; }

 private:
  const archive::ZipEntry* find(const std::string& name) const {
    for (const auto& e : *entries_)
      if (e.name == name) return &e;
    return nullptr;
  }

  std::shared_ptr<const std::vector<archive::ZipEntry>> entries_;
  std::string root_;
};

struct ProjectArchive::Prepared {
  store::ApiImport write;
  std::vector<domain::Deployment> targets;
};

archive::ZipLimits ProjectArchive::limits() {
  archive::ZipLimits l;
  l.max_entries = 2000;
  l.max_total_bytes = 64 * 1024 * 1024;
  return l;
}

std::optional<domain::Api> ProjectArchive::find_api(const std::string& name, const std::string& version,
                                                    ApiKind kind) {
  auto api = store_.find_api_by_name_version(name, version);
  if (!api || api->is_product() != (kind == ApiKind::kProduct)) return std::nullopt;
  return api;
}

std::vector<archive::ZipEntry> ProjectArchive::project_entries(const domain::Api& api, ApiKind kind,
                                                               const std::string& root, ProjectFormat format,
                                                               bool preserve_status) {
  const std::string ext = format == ProjectFormat::kJson ? ".json" : ".yaml";
  std::vector<archive::ZipEntry> entries;
  const bool product = kind == ApiKind::kProduct;
  json::object data = product ? domain::product_to_json(api) : domain::api_to_public_json(api);
  if (!preserve_status) {
    data["lifeCycleStatus"] = domain::kLifecycleCreated;
    if (product) data["state"] = domain::kLifecycleCreated;
  }
  if (product) {
    entries.push_back({root + "api_product" + ext, render(envelope("api_product", std::move(data)), format)});
  } else {
    entries.push_back({root + "api" + ext, render(envelope("api", std::move(data)), format)});
    entries.push_back({root + "Definitions/swagger" + ext, render(openapi_.export_definition(api), format)});
  }
  for (const auto& d : store_.list_documents(api.id)) {
    const std::string folder = root + "Docs/" + segment(d.name) + "/";
    entries.push_back({folder + "document" + ext, render(envelope("document", domain::document_to_json(d)), format)});
    if (d.source_type == "URL" || !d.has_content) continue;
    if (auto content = store_.document_content(api.id, d.id))
      entries.push_back({folder + content_entry_name(d), std::move(content->data)});
  }
  if (auto thumb = store_.thumbnail(api.id))
    entries.push_back({root + "Image/icon." + std::string(image_extension(thumb->media_type)), std::move(thumb->data)});
  json::array envs;
  for (const auto& d : store_.list_deployments(api.id))
    envs.push_back(json::object{{"displayOnDevportal", d.display_on_devportal},
                                {"deploymentEnvironment", d.name},
                                {"deploymentVhost", d.vhost}});
  if (!envs.empty())
    entries.push_back({root + "deployment_environments" + ext,
                       render(envelope("deployment_environments", std::move(envs)), format)});
  return entries;
}

ProjectExport ProjectArchive::export_api(const std::string& api_id, ProjectFormat format, bool preserve_status) {
  const domain::Api api = apis_.get(api_id);
  const std::string name = segment(api.name + "-" + api.version);
  return {name + ".zip",
          archive::write_zip(project_entries(api, ApiKind::kApi, name + "/", format, preserve_status))};
}

ProjectExport ProjectArchive::export_product(const std::string& product_id, ProjectFormat format,
                                             bool preserve_status) {
  const domain::Api product = products_.get(product_id);
  const std::string name = segment(product.name + "-" + product.version);
  std::vector<archive::ZipEntry> entries =
      project_entries(product, ApiKind::kProduct, name + "/", format, preserve_status);
  for (const auto& pa : product.product_apis) {
    const auto api = store_.get_api(pa.api_id);
    if (!api) continue;  // the store refuses to delete an API a product bundles
    auto more = project_entries(*api, ApiKind::kApi, name + "/APIs/" + segment(api->name + "-" + api->version) + "/",
                                format, preserve_status);
    std::move(more.begin(), more.end(), std::back_inserter(entries));
  }
  return {name + ".zip", archive::write_zip(entries)};
}

ProjectArchive::Prepared ProjectArchive::prepare(const ProjectFiles& project, ApiKind kind,
                                                 const ProjectImportOptions& options, const domain::User& caller) {
  const bool product = kind == ApiKind::kProduct;
  const std::string_view stem = product ? "api_product" : "api";

  // api.yaml (api_product.yaml)
  const archive::ZipEntry* api_file = project.either(stem);
  if (!api_file) bad(fmt::format("'{}': the folder has no {}.yaml (or {}.json)", project.root(), stem, stem));
  const json::value api_data = envelope_data(*api_file, stem);
  domain::Api api = in_entry(api_file->name, [&] {
    return domain::api_from_json(common::as_object(api_data, "data"));
  });
  if (!product && api.is_product())
    bad(fmt::format("'{}': 'data.type' is APIPRODUCT: import API products at /api-products/import", api_file->name));
  api.service_info = {};  // read-only: set by import-service
  std::string state = api.lifecycle_status.empty() ? std::string(domain::kLifecycleCreated) : api.lifecycle_status;
  if (!domain::is_lifecycle_state(state))
    bad(fmt::format("'{}': 'data.lifeCycleStatus' '{}' is not a lifecycle state", api_file->name, state));
  if (!options.preserve_provider) api.provider.clear();

  if (product) {
    // The archive names each bundled API by its id on the server it came from: take this server's.
    for (std::size_t i = 0; i < api.product_apis.size(); ++i) {
      auto& pa = api.product_apis[i];
      const auto here = find_api(pa.name, pa.version);
      if (!here)
        bad(fmt::format("'{}': 'data.apis[{}]': API '{}' version '{}' is not on this server; import it first, or "
                        "with importAPIs=true from the archive's APIs/ folder",
                        api_file->name, i, pa.name, pa.version));
      pa.api_id = here->id;
    }
  } else if (const archive::ZipEntry* def = project.either("Definitions/swagger")) {
    // Definitions/swagger.yaml: the operations it defines, with api.yaml's settings for each
    api = in_entry(def->name, [&] { return openapi_.with_definition(std::move(api), def->data); });
  } else {
    api.openapi_definition.clear();
  }

  // The API as it will be stored, checked against what exists
  const std::optional<domain::Api> existing = find_api(api.name, api.version, kind);
  if (existing && !options.overwrite)
    throw ProblemError(Problem::conflict(fmt::format(
        "{} '{}' version '{}' already exists (id {}); import with {}=true to update it", product ? "API Product" : "API",
        api.name, api.version, existing->id, product ? "overwriteAPIProduct" : "overwrite")));
  ApiService& svc = service(kind);
  domain::Api prepared = in_entry(api_file->name, [&] {
    if (existing) return svc.checked_update(existing->id, api, true);
    domain::Api fresh = svc.checked_new(api, caller);
    if (state != domain::kLifecycleCreated) {
      require_for_state(fresh, state, fmt::format("'data.lifeCycleStatus' {}", state));
      fresh.lifecycle_status = state;
    }
    return fresh;
  });

  // Docs/<name>/document.yaml and its content
  std::vector<store::ImportedDocument> documents;
  {
    std::vector<DocumentFolder> folders;
    const std::string docs_prefix = project.root() + "Docs/";
    for (const archive::ZipEntry* e : project.under("Docs")) {
      const std::string rest = e->name.substr(docs_prefix.size());
      const std::size_t slash = rest.find('/');
      if (slash == std::string::npos || rest.find('/', slash + 1) != std::string::npos)
        bad(fmt::format("'{}': documents live in Docs/<document name>/ (document.yaml and its content file)",
                        e->name));
      const std::string path = docs_prefix + rest.substr(0, slash + 1);
      auto f = std::find_if(folders.begin(), folders.end(), [&](const DocumentFolder& x) { return x.path == path; });
      if (f == folders.end()) f = folders.insert(folders.end(), DocumentFolder{path, nullptr, {}});
      const std::string base = rest.substr(slash + 1);
      if (base == "document.yaml" || base == "document.json") {
        if (f->meta) bad(fmt::format("'{}': give document.yaml or document.json, not both", path));
        f->meta = e;
      } else {
        f->files.push_back(e);
      }
    }
    std::map<std::string, std::string> names;  // document name -> its folder
    const std::int64_t now = common::now_millis();
    for (const auto& f : folders) {
      if (!f.meta) bad(fmt::format("'{}': the folder has no document.yaml (or document.json)", f.path));
      if (f.files.size() > 1) bad(fmt::format("'{}': a document folder holds one content file, found {}", f.path,
                                              f.files.size()));
      const json::value data = envelope_data(*f.meta, "document");
      std::optional<std::string> text;
      domain::Document d = in_entry(f.meta->name, [&] {
        return domain::document_from_json(common::as_object(data, "data"), &text);
      });
      if (auto [it, fresh] = names.emplace(d.name, f.path); !fresh)
        bad(fmt::format("'{}': document '{}' is also defined in '{}'", f.path, d.name, it->second));
      d.id = common::new_uuid();
      d.api_id = prepared.id;
      d.created_by = d.updated_by = caller.username;
      d.created_time = d.updated_time = now;
      std::optional<domain::StoredFile> content;
      const archive::ZipEntry* file = f.files.empty() ? nullptr : f.files.front();
      if (d.source_type == "FILE") {
        if (file) {
          if (file->data.size() > domain::kMaxDocumentFileBytes)
            bad(fmt::format("'{}': a document file must be at most {} bytes", file->name, domain::kMaxDocumentFileBytes));
          const std::string name = in_entry(file->name, [&] {
            return domain::checked_file_name(file->name.substr(f.path.size()), "file");
          });
          content = domain::StoredFile{file_media_type(name), name, file->data};
        }
      } else if (d.source_type != "URL") {
        if (file) text = file->data;
        if (text) {
          if (text->size() > domain::kMaxInlineContentBytes)
            bad(fmt::format("'{}': inline content must be at most {} bytes", file ? file->name : f.meta->name,
                            domain::kMaxInlineContentBytes));
          content = inline_text(d.source_type, std::move(*text));
        }
      }
      documents.push_back({std::move(d), std::move(content)});
    }
  }

  // Image/icon.*
  std::optional<domain::StoredFile> thumbnail;
  if (const auto images = project.under("Image"); !images.empty()) {
    if (images.size() > 1) bad(fmt::format("'{}Image/': holds one thumbnail, found {} files", project.root(), images.size()));
    const archive::ZipEntry& img = *images.front();
    if (img.data.size() > domain::kMaxThumbnailBytes)
      bad(fmt::format("'{}': the thumbnail must be at most {} bytes", img.name, domain::kMaxThumbnailBytes));
    const auto type = domain::image_media_type(img.data);
    if (!type) bad(fmt::format("'{}': is not a PNG, JPEG, GIF, WebP or SVG image", img.name));
    thumbnail = domain::StoredFile{std::string(*type), "", img.data};
  }

  // deployment_environments.yaml
  std::vector<domain::Deployment> targets;
  if (const archive::ZipEntry* envs = project.either("deployment_environments")) {
    const json::value data = envelope_data(*envs, "deployment_environments");
    if (!data.is_array()) bad(fmt::format("'{}': 'data' must be a list of deployment environments", envs->name));
    const auto known = apis_.environments();
    for (std::size_t i = 0; i < data.get_array().size(); ++i) {
      const std::string at = fmt::format("data[{}]", i);
      const json::object& o = in_entry(envs->name, [&]() -> const json::object& {
        return common::as_object(data.get_array()[i], at);
      });
      domain::Deployment d;
      d.name = in_entry(envs->name, [&] {
        return common::opt_string(o, "deploymentEnvironment", at + ".deploymentEnvironment").value_or("");
      });
      if (std::find(known.begin(), known.end(), d.name) == known.end())
        bad(fmt::format("'{}': '{}.deploymentEnvironment' '{}' is not a gateway environment (known: {})", envs->name,
                        at, d.name, fmt::join(known, ", ")));
      if (std::any_of(targets.begin(), targets.end(), [&](const auto& t) { return t.name == d.name; }))
        bad(fmt::format("'{}': '{}' lists environment '{}' twice", envs->name, at, d.name));
      in_entry(envs->name, [&] {
        d.vhost = common::opt_string(o, "deploymentVhost", at + ".deploymentVhost").value_or("");
        d.display_on_devportal =
            common::opt_bool(o, "displayOnDevportal", at + ".displayOnDevportal").value_or(true);
        return 0;
      });
      targets.push_back(std::move(d));
    }
  }

  Prepared out;
  out.write.api = std::move(prepared);
  out.write.replace = existing.has_value();
  out.write.documents = std::move(documents);
  out.write.thumbnail = std::move(thumbnail);
  out.targets = std::move(targets);
  return out;
}

ProjectImportResult ProjectArchive::commit(Prepared prepared, ApiKind kind) {
  // Everything checked: one transaction writes the API, its documents and its thumbnail.
  store_.import_api(prepared.write);
  const std::string id = prepared.write.api.id;
  ProjectImportResult result;
  result.created = !prepared.write.replace;
  ApiService& svc = service(kind);
  if (!prepared.targets.empty()) {
    const domain::Revision rev = svc.create_revision(id, "Imported from a project archive");
    result.deployments = svc.deploy(id, rev.id, std::move(prepared.targets));
  }
  result.api = svc.get(id);
  return result;
}

namespace {
std::shared_ptr<const std::vector<archive::ZipEntry>> read_archive(std::string_view zip) {
  archive::ZipReadResult read = archive::read_zip(zip, ProjectArchive::limits());
  if (!read.ok()) bad("'file': " + read.error);
  return std::make_shared<const std::vector<archive::ZipEntry>>(std::move(read.entries));
}
}  // namespace

ProjectImportResult ProjectArchive::import_api(std::string_view zip, const ProjectImportOptions& options,
                                               const domain::User& caller) {
  const ProjectFiles project(read_archive(zip), "api");
  return commit(prepare(project, ApiKind::kApi, options, caller), ApiKind::kApi);
}

ProjectImportResult ProjectArchive::import_product(std::string_view zip, const ProjectImportOptions& options,
                                                   const domain::User& caller) {
  const ProjectFiles project(read_archive(zip), "api_product");
  // The APIs the product names that this server lacks come from APIs/<Name>-<Version>/ first;
  // each is imported atomically, and all of them are removed again if the product then fails.
  std::vector<std::string> created;
  try {
    if (options.import_apis) {
      const archive::ZipEntry* file = project.either("api_product");
      const json::value data = envelope_data(*file, "api_product");
      const domain::Api named = in_entry(file->name, [&] {
        return domain::api_from_json(common::as_object(data, "data"));
      });
      for (const auto& pa : named.product_apis) {
        if (find_api(pa.name, pa.version)) continue;
        const std::string root = project.root() + "APIs/" + segment(pa.name + "-" + pa.version) + "/";
        if (project.under("APIs/" + segment(pa.name + "-" + pa.version)).empty())
          bad(fmt::format("'{}': API '{}' version '{}' is neither on this server nor in the archive", root, pa.name,
                          pa.version));
        ProjectImportOptions api_options = options;
        api_options.overwrite = false;
        const ProjectFiles sub(project.entries(), root, true);
        created.push_back(commit(prepare(sub, ApiKind::kApi, api_options, caller), ApiKind::kApi).api.id);
      }
    }
    return commit(prepare(project, ApiKind::kProduct, options, caller), ApiKind::kProduct);
  } catch (...) {
    for (auto it = created.rbegin(); it != created.rend(); ++it) store_.delete_api(*it);
    throw;
  }
}

}  // namespace archway::publisher
