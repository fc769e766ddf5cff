//! Checks the built-in templates at compile time: a syntax error in `templates/` fails the
//! build, not a send run.

fn main() {
    for name in ["branch.html", "branch.txt", "subject.txt"] {
        let path = format!("templates/{name}");
        println!("cargo:rerun-if-changed={path}");
        let source = std::fs::read_to_string(&path).expect("built-in template is readable");
        let mut env = minijinja::Environment::new();
        if let Err(e) = env.add_template_owned(name.to_string(), source) {
            panic!("built-in template {path} does not compile: {e}");
        }
    }
}
