import QtQuick

// The PIN pad: dots for the digits typed, the message (wrong, locked with the time left).
Item {
    objectName: "screen_admin_pin"

    Column {
        anchors.centerIn: parent
        spacing: units.mm(4)

        Text {
            objectName: "pinPrompt"
            anchors.horizontalCenter: parent.horizontalCenter
            color: theme.c.text
            font.pixelSize: units.body_px
            text: adminI18n.t.pin_prompt
        }
        Text {
            objectName: "pinDots"
            anchors.horizontalCenter: parent.horizontalCenter
            color: theme.c.text
            font.pixelSize: units.title_px
            text: admin.typed > 0 ? "● ".repeat(admin.typed).trim() : "—"
        }
        Rectangle {
            objectName: "pinMessage"
            anchors.horizontalCenter: parent.horizontalCenter
            visible: admin.message.length > 0 && admin.message !== adminI18n.t.pin_prompt
            width: units.mm(110)
            height: msg.implicitHeight + units.mm(4)
            radius: units.mm(2)
            color: admin.locked ? theme.c.danger : theme.c.surface
            Text {
                id: msg
                anchors.centerIn: parent
                width: parent.width - units.mm(4)
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                color: admin.locked ? theme.c.danger_text : theme.c.text
                font.pixelSize: units.small_px
                text: admin.message
            }
        }
        Grid {
            anchors.horizontalCenter: parent.horizontalCenter
            columns: 3
            spacing: units.mm(3)
            Repeater {
                model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "erase", "0", "ok"]
                AButton {
                    required property string modelData
                    objectName: "pin_" + modelData
                    width: units.mm(38)
                    height: units.mm(18)
                    enabledState: !admin.locked && !admin.checking
                    kind: modelData === "ok" ? "ok" : modelData === "erase" ? "secondary" : "primary"
                    text: modelData === "erase" ? adminI18n.t.pin_erase
                          : modelData === "ok" ? adminI18n.t.pin_ok : modelData
                    onClicked: {
                        if (modelData === "erase") admin.erase()
                        else if (modelData === "ok") admin.submit()
                        else admin.digit(modelData)
                    }
                }
            }
        }
    }
}
