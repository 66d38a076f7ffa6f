import QtQuick
import "../components"

Item {
    objectName: "screen_lookup"
    Grid {
        id: grid
        anchors.fill: parent
        anchors.bottomMargin: nav.height
        columns: portrait ? 1 : 2
        spacing: units.mm(portrait ? 6 : 12)
        Column {
            // half the width, less when the keypad needs more for its labels at a large size
            width: portrait ? parent.width : Math.min(parent.width * 0.5,
                                                      parent.width - pad.width - grid.spacing)
            spacing: units.mm(5)
            Heading { text: i18n.t.lookup_title }
            Body { text: i18n.t.lookup_body }
            Rectangle {
                width: parent.width
                height: units.mm(24)
                color: theme.c.background
                border.color: theme.c.border
                border.width: units.mm(0.8)
                radius: units.mm(2)
                Text {
                    objectName: "lookupTyped"
                    anchors.centerIn: parent
                    color: theme.c.text
                    font.pixelSize: units.title_px
                    font.bold: true
                    text: lookup.typed.length > 0 ? lookup.typed : "—"
                }
            }
            Rectangle {
                objectName: "lookupResult"
                visible: lookup.result.length > 0
                width: parent.width
                height: res.implicitHeight + units.mm(6)
                color: theme.c.surface
                border.color: theme.c.border
                border.width: units.mm(0.5)
                radius: units.mm(2)
                Body {
                    id: res
                    anchors.centerIn: parent
                    width: parent.width - units.mm(6)
                    text: lookup.result
                }
            }
        }
        Keypad {
            id: pad
            prefix: "lookup"
            keyWidth: portrait ? (grid.width - 2 * spacing) / 3 : Math.max(key * 1.6, labelWidth)  // big keys, as confirm's
            okEnabled: lookup.typed.length > 0
            onDigit: (d) => lookup.digit(d)
            onErase: lookup.erase()
            onOk: lookup.submit()
        }
    }
    NavBar {
        id: nav
        anchors.bottom: parent.bottom
        width: parent.width
        onBack: flow.back()
    }
}
