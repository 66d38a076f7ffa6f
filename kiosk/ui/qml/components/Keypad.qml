import QtQuick

// A big numeric keypad: 1-9, erase, 0, OK.
Grid {
    id: pad
    property string prefix: "keypad"
    property bool okEnabled: true
    signal digit(string d)
    signal erase()
    signal ok()
    columns: 3
    spacing: units.mm(3)
    readonly property real key: units.mm(portrait ? 28 : 22)
    // Wide enough for "⌫ Xóa" / "Đồng ý" on one line at the text size chosen (never past the key).
    readonly property real labelWidth: Math.max(eraseText.advanceWidth, okText.advanceWidth)
                                       + units.mm(12)
    property real keyWidth: Math.max(key * 1.6, labelWidth)  // a screen may widen the keys
    TextMetrics { id: eraseText; font.pixelSize: units.body_px; font.bold: true; text: i18n.t.keypad_erase }
    TextMetrics { id: okText; font.pixelSize: units.body_px; font.bold: true; text: i18n.t.keypad_ok }

    Repeater {
        model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "erase", "0", "ok"]
        KButton {
            required property string modelData
            objectName: pad.prefix + "_" + modelData
            width: pad.keyWidth
            minHeight: pad.key
            kind: modelData === "ok" ? "ok" : modelData === "erase" ? "secondary" : "primary"
            enabledState: modelData !== "ok" || pad.okEnabled
            text: modelData === "erase" ? i18n.t.keypad_erase
                  : modelData === "ok" ? i18n.t.keypad_ok : modelData
            onClicked: {
                if (modelData === "erase") pad.erase()
                else if (modelData === "ok") pad.ok()
                else pad.digit(modelData)
            }
        }
    }
}
