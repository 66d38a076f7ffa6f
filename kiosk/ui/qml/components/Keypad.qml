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
    property real keyWidth: key * 1.6  // a screen may widen the keys to fill its width

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
