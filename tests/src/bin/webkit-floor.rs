//! The memory floor of any WebKitGTK app on this machine: one window, one web view, a
//! one-paragraph page, drawn the way `mimik-app` draws (hardware acceleration off). The app
//! bench (`tests/benches/app.rs`) measures it next to the app, with the same code, so the
//! difference is what Mimik itself costs (docs/tablet-app.md, "Memory").

#[cfg(target_os = "linux")]
fn main() {
    use gtk::prelude::*;
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};

    if gtk::init().is_err() {
        eprintln!("webkit-floor: GTK could not open a display (run it under xvfb-run)");
        std::process::exit(2);
    }
    let window = gtk::Window::new(gtk::WindowType::Toplevel);
    window.set_default_size(1280, 800);
    let view = webkit2gtk::WebView::new();
    if let Some(settings) = WebViewExt::settings(&view) {
        settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
    }
    view.load_html("<!doctype html><title>floor</title><p>Hello</p>", None);
    window.add(&view);
    window.connect_destroy(|_| gtk::main_quit());
    window.show_all();
    gtk::main();
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("webkit-floor: WebKitGTK is Linux only");
    std::process::exit(2);
}
