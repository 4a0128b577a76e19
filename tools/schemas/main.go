// Prints JSON Schemas of the component configs kubeadm reads beside its own
// documents (KubeletConfiguration kubelet.config.k8s.io/v1beta1,
// KubeProxyConfiguration kubeproxy.config.k8s.io/v1alpha1), written from the
// upstream Go types by reflection, as kubeadm decodes them: the JSON name of
// every field, `json:",inline"` members flattened, pointers, slices and maps
// nullable, unknown fields refused (kubeadm decodes component configs
// strictly). Types with a JSON decoder of their own are mapped by the table
// in customTypes; a new one stops the generator, so nothing is guessed.
//
// usage (tools/schemas/generate runs it once per pinned Kubernetes minor):
//
//	go run . DOCS_DIR... > out.json
//
// DOCS_DIR: source folders whose doc comments give the descriptions.
package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"os"
	"reflect"
	"sort"
	"strings"

	kubeproxy "k8s.io/kube-proxy/config/v1alpha1"
	kubelet "k8s.io/kubelet/config/v1beta1"
)

type schema = map[string]any

// Go duration (time.ParseDuration): metav1.Duration refuses anything else while decoding.
const durationPattern = `^[-+]?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`

// resource.Quantity (ParseQuantity): a number with an SI, binary or exponent suffix.
const quantityPattern = `^\s*[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][-+]?[0-9]+)?\s*$`

var customTypes = map[string]schema{
	"k8s.io/apimachinery/pkg/apis/meta/v1.Duration": {
		"type": "string", "pattern": durationPattern, "x-kconf-expect": "a Go duration like 10s or 1m30s",
		"description": "metav1.Duration: a Go duration string such as \"4m0s\"",
	},
	"k8s.io/apimachinery/pkg/apis/meta/v1.Time": {"type": "string", "description": "metav1.Time: RFC 3339"},
	"k8s.io/apimachinery/pkg/api/resource.Quantity": {
		"type": []any{"string", "number"}, "pattern": quantityPattern, "x-kconf-expect": "a quantity like 100Mi, 0.5 or 1",
		"description": "resource.Quantity: e.g. \"100Mi\", \"0.5\", 1",
	},
	"k8s.io/apimachinery/pkg/api/resource.QuantityValue": {
		"type": []any{"string", "number"}, "pattern": quantityPattern, "x-kconf-expect": "a quantity like 100Mi, 0.5 or 1",
		"description": "resource.Quantity: e.g. \"100Mi\", \"0.5\", 1",
	},
	"k8s.io/component-base/logs/api/v1.TimeOrMetaDuration": {
		"type": []any{"string", "integer"}, "pattern": durationPattern, "x-kconf-expect": "a Go duration like 10s, or nanoseconds",
		"minimum": int64(math.MinInt64), "maximum": int64(math.MaxInt64),
		"description": "a Go duration string, or an integer of nanoseconds",
	},
	"k8s.io/apimachinery/pkg/util/intstr.IntOrString": {"type": []any{"string", "integer"}},
}

// Fields of a fixed set of values (upstream's validation or the consts of
// the field's Go type): the only checks here beyond field names and types.
// kubeadm decodes these fields without looking at the value; the kubelet
// or kube-proxy refuses a wrong one when it starts.
var enums = map[string][]any{
	"k8s.io/kubelet/config/v1beta1.KubeletConfiguration.CgroupDriver": {"", "systemd", "cgroupfs"},
	"k8s.io/kube-proxy/config/v1alpha1.KubeProxyConfiguration.Mode":   {"", "iptables", "ipvs", "nftables", "kernelspace"},
}

var unmarshaler = reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()

type generator struct {
	docs map[string]string // "pkgpath.Type.Field" and "pkgpath.Type" -> first sentence
	defs map[string]schema
}

func typeKey(t reflect.Type) string { return t.PkgPath() + "." + t.Name() }

func intRange(k reflect.Kind) (any, any) {
	switch k {
	case reflect.Int8:
		return math.MinInt8, math.MaxInt8
	case reflect.Int16:
		return math.MinInt16, math.MaxInt16
	case reflect.Int32:
		return math.MinInt32, math.MaxInt32
	case reflect.Int, reflect.Int64:
		return int64(math.MinInt64), int64(math.MaxInt64)
	case reflect.Uint8:
		return 0, math.MaxUint8
	case reflect.Uint16:
		return 0, math.MaxUint16
	case reflect.Uint32:
		return 0, uint64(math.MaxUint32)
	default:
		return 0, uint64(math.MaxUint64)
	}
}

func nullable(s schema) schema {
	out := schema{}
	for k, v := range s {
		out[k] = v
	}
	if ref, ok := out["$ref"]; ok {
		return schema{"anyOf": []any{schema{"$ref": ref}, schema{"type": "null"}}}
	}
	switch t := out["type"].(type) {
	case string:
		out["type"] = []any{t, "null"}
	case []any:
		out["type"] = append(append([]any{}, t...), "null")
	}
	return out
}

func (g *generator) of(t reflect.Type) schema {
	if t.Name() != "" && t.PkgPath() != "" {
		if custom, ok := customTypes[typeKey(t)]; ok {
			return custom
		}
		if reflect.PointerTo(t).Implements(unmarshaler) || t.Implements(unmarshaler) {
			panic(fmt.Sprintf("%s decodes JSON its own way: add it to customTypes", typeKey(t)))
		}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return nullable(g.of(t.Elem()))
	case reflect.Bool:
		return schema{"type": "boolean"}
	case reflect.String:
		return schema{"type": "string"}
	case reflect.Float32, reflect.Float64:
		return schema{"type": "number"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		low, high := intRange(t.Kind())
		return schema{"type": "integer", "minimum": low, "maximum": high}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return schema{"type": []any{"string", "null"}, "description": "bytes, base64"}
		}
		return schema{"type": []any{"array", "null"}, "items": g.of(t.Elem())}
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			panic("map key " + t.Key().String())
		}
		return schema{"type": []any{"object", "null"}, "additionalProperties": g.of(t.Elem())}
	case reflect.Interface:
		return schema{}
	case reflect.Struct:
		return g.structRef(t)
	}
	panic("unhandled kind " + t.Kind().String())
}

func (g *generator) structRef(t reflect.Type) schema {
	name := t.Name()
	if _, seen := g.defs[name]; !seen {
		g.defs[name] = nil // recursion guard
		properties := schema{}
		g.fields(t, properties)
		def := schema{"type": "object", "properties": properties, "additionalProperties": false}
		if doc := g.docs[typeKey(t)]; doc != "" {
			def["description"] = doc
		}
		g.defs[name] = def
	}
	return schema{"$ref": "#/$defs/" + name}
}

func (g *generator) fields(t reflect.Type, into schema) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, options, _ := strings.Cut(tag, ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		inline := strings.Contains(","+options+",", ",inline,") || (f.Anonymous && name == "")
		if inline && f.Type.Kind() == reflect.Struct {
			if f.Type.Name() == "TypeMeta" {
				into["apiVersion"] = schema{"type": "string"}
				into["kind"] = schema{"type": "string"}
				continue
			}
			g.fields(f.Type, into)
			continue
		}
		if name == "" {
			name = f.Name
		}
		field := g.of(f.Type)
		if values, ok := enums[typeKey(t)+"."+f.Name]; ok {
			field = schema{"type": "string", "enum": values}
		}
		if doc := g.docs[typeKey(t)+"."+f.Name]; doc != "" {
			field = withDescription(field, doc)
		}
		into[name] = field
	}
}

func withDescription(s schema, doc string) schema {
	out := schema{"description": doc}
	for k, v := range s {
		if k == "description" {
			out[k] = doc + " (" + v.(string) + ")"
			continue
		}
		out[k] = v
	}
	return out
}

// firstSentence: the doc comment's first sentence, on one line.
func firstSentence(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if i := strings.Index(text, ". "); i >= 0 {
		text = text[:i+1]
	}
	return text
}

func readDocs(dirs []string) map[string]string {
	docs := map[string]string{}
	for _, spec := range dirs {
		pkgPath, dir, _ := strings.Cut(spec, "=")
		packages, err := parser.ParseDir(token.NewFileSet(), dir, func(fi os.FileInfo) bool {
			return !strings.HasSuffix(fi.Name(), "_test.go")
		}, parser.ParseComments)
		if err != nil {
			panic(err)
		}
		for _, p := range packages {
			for _, file := range p.Files {
				for _, decl := range file.Decls {
					gen, ok := decl.(*ast.GenDecl)
					if !ok {
						continue
					}
					for _, spec := range gen.Specs {
						ts, ok := spec.(*ast.TypeSpec)
						if !ok {
							continue
						}
						st, ok := ts.Type.(*ast.StructType)
						if !ok {
							continue
						}
						key := pkgPath + "." + ts.Name.Name
						if gen.Doc != nil {
							docs[key] = firstSentence(gen.Doc.Text())
						}
						for _, f := range st.Fields.List {
							if f.Doc == nil {
								continue
							}
							for _, n := range f.Names {
								docs[key+"."+n.Name] = firstSentence(f.Doc.Text())
							}
						}
					}
				}
			}
		}
	}
	return docs
}

func document(g *generator, t reflect.Type, apiVersion string) schema {
	g.defs = map[string]schema{}
	root := g.structRef(t)
	name := strings.TrimPrefix(root["$ref"].(string), "#/$defs/")
	top := g.defs[name]
	delete(g.defs, name)
	properties := top["properties"].(schema)
	properties["apiVersion"] = schema{"const": apiVersion}
	properties["kind"] = schema{"const": t.Name()}
	out := schema{
		"type": "object", "properties": properties, "additionalProperties": false,
		"required": []any{"apiVersion", "kind"}, "$defs": g.defs,
	}
	if d, ok := top["description"]; ok {
		out["description"] = d
	}
	return out
}

func main() {
	g := &generator{docs: readDocs(os.Args[1:])}
	out := map[string]schema{
		"KubeletConfiguration":   document(g, reflect.TypeOf(kubelet.KubeletConfiguration{}), "kubelet.config.k8s.io/v1beta1"),
		"KubeProxyConfiguration": document(g, reflect.TypeOf(kubeproxy.KubeProxyConfiguration{}), "kubeproxy.config.k8s.io/v1alpha1"),
	}
	keys := make([]string, 0, len(out))
	for k := range out {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetEscapeHTML(false)
	encoder.SetIndent("", " ")
	if err := encoder.Encode(out); err != nil {
		panic(err)
	}
}
