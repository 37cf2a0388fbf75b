// A handle cannot be sent to another thread.
use hpy::Handle;

fn send_away(h: Handle<'static>) {
    std::thread::spawn(move || drop(h));
}

fn main() {
    let _ = send_away;
}
